using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Storefront.BuildingBlocks.Modules;
using Storefront.BuildingBlocks.Outbox;

namespace Storefront.Tests.Architecture;

/// <summary>A module as the host registers it: its assembly and its database.</summary>
public sealed record RegisteredModule(string Name, Assembly Assembly, string Schema, Type Context);

/// <summary>
/// The modules, schemas and outboxes the host actually registers, read from its service container.
/// <c>Program.cs</c> runs up to <c>Build()</c> and is stopped there (as the EF tools do it), so
/// nothing is started and nothing connects: these lists cost no database and cannot drift from the
/// registrations the way a hand-kept list does.
/// </summary>
public static class RegisteredModules
{
    private static readonly Lazy<IServiceProvider> Built = new(BuildHostServices);

    /// <summary>The host's services, built but not started.</summary>
    public static IServiceProvider Services => Built.Value;

    /// <summary>Every registered database, the host's own (accounts) included.</summary>
    public static IReadOnlyList<IModuleDatabase> Databases => Services.GetServices<IModuleDatabase>().ToList();

    /// <summary>
    /// The modules: registered databases whose context lives in a module's assembly, not the host's
    /// and not the shared plumbing's (the event log's "events" schema).
    /// </summary>
    public static IReadOnlyList<RegisteredModule> All => Databases
        .Where(d => d.Context.Assembly != typeof(Program).Assembly && d.Context.Assembly != typeof(Storefront.BuildingBlocks.Money).Assembly)
        .Select(d => new RegisteredModule(NameOf(d.Context.Assembly), d.Context.Assembly, d.Module, d.Context))
        .OrderBy(m => m.Name, StringComparer.Ordinal)
        .ToList();

    /// <summary>The DbContexts whose outbox the event relay empties into the log.</summary>
    public static IReadOnlyList<Type> OutboxContexts => Services.GetServices<Storefront.BuildingBlocks.Events.OutboxSource>().Select(s => s.Context).ToList();

    /// <summary>"Storefront.Catalog" → "Catalog": the module's name, folder and project name.</summary>
    public static string NameOf(Assembly assembly) => assembly.GetName().Name!.Split('.')[1];

    private static IServiceProvider BuildHostServices()
    {
        using var capture = new HostCapture();
        using var subscription = DiagnosticListener.AllListeners.Subscribe(capture);
        HostCapture.Current.Value = capture;
        try
        {
            typeof(Program).Assembly.EntryPoint!.Invoke(null, [Array.Empty<string>()]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is HostAbortedException)
        {
            // Stopped at Build(), as intended.
        }
        finally
        {
            HostCapture.Current.Value = null;
        }
        return capture.Host?.Services ?? throw new InvalidOperationException("Program.cs did not build a host.");
    }

    /// <summary>
    /// Takes the host when it is built and stops <c>Program.cs</c> there. Only the host built on this
    /// call's own flow is taken: test classes building their own hosts in parallel are left alone.
    /// </summary>
    private sealed class HostCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        public static readonly AsyncLocal<HostCapture?> Current = new();
        private readonly List<IDisposable> subscriptions = [];

        public IHost? Host { get; private set; }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name != "Microsoft.Extensions.Hosting") return;
            lock (subscriptions) subscriptions.Add(value.Subscribe(this));
        }

        public void Dispose()
        {
            lock (subscriptions) subscriptions.ForEach(s => s.Dispose());
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (Current.Value != this || value.Key != "HostBuilt" || value.Value is not IHost host) return;
            Host = host;
            throw new HostAbortedException();
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
