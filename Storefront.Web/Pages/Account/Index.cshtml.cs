using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

[Authorize]
public sealed partial class IndexModel(UserManager<StoreUser> users, SignInManager<StoreUser> signIn, AccountDeletion deletion,
    ShopperCart cart, AccountData data, ILogger<IndexModel> logger) : PageModel
{
    /// <summary>Deleting the account: the password again, and the box that says they mean it.</summary>
    public sealed record DeleteInput
    {
        [Required(ErrorMessage = "Enter your password."), DataType(DataType.Password), StringLength(200)]
        public string Password { get; set; } = "";

        [Range(typeof(bool), "true", "true", ErrorMessage = "Tick the box to say you want your account deleted.")]
        public bool Understood { get; set; }
    }

    // Named, so a post of another form never binds its fields without the prefix.
    [BindProperty(Name = nameof(Delete))] public DeleteInput Delete { get; set; } = new();

    public sealed record PasswordInput
    {
        [Required(ErrorMessage = "Enter your current password."), DataType(DataType.Password), StringLength(200)]
        public string Current { get; set; } = "";

        [Required(ErrorMessage = "Choose a new password."), StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters."), DataType(DataType.Password)]
        public string New { get; set; } = "";

        [Required(ErrorMessage = "Type the new password again."), Compare(nameof(New), ErrorMessage = "The two passwords are not the same."), DataType(DataType.Password)]
        public string Confirm { get; set; } = "";
    }

    public StoreUser Shopper { get; private set; } = default!;

    [BindProperty, Required(ErrorMessage = "Enter your name."), StringLength(100, ErrorMessage = "Keep your name under 100 characters.")]
    public string DisplayName { get; set; } = "";

    [BindProperty(Name = nameof(Password))] public PasswordInput Password { get; set; } = new();

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        Shopper = user;
        DisplayName = user.DisplayName;
        return Page();
    }

    /// <summary>The shopper's copy of what the store keeps about their account, as a JSON file.</summary>
    public async Task<IActionResult> OnGetDataAsync(CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        byte[] file;
        try
        {
            file = await data.ExportAsync(user, ct);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogNoExport(ex.Message);
            Shopper = user;
            DisplayName = user.DisplayName;
            ModelState.AddModelError("Data", "Your data could not be gathered just now: please try again in a few minutes.");
            return Page();
        }
        Response.Headers.CacheControl = "no-store";
        return File(file, "application/json", $"storefront-account-{DateTime.UtcNow:yyyy-MM-dd}.json");
    }

    public async Task<IActionResult> OnPostProfileAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        Shopper = user;
        ValidateOnly(nameof(DisplayName));
        if (!ModelState.IsValid) return Page();
        user.DisplayName = DisplayName.Trim();
        await users.UpdateAsync(user);
        TempData.Notice("Your name has been saved.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        Shopper = user;
        ValidateOnly(nameof(Password) + ".");
        DisplayName = user.DisplayName;
        if (!ModelState.IsValid) return Page();
        var result = await users.ChangePasswordAsync(user, Password.Current, Password.New);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
                ModelState.AddModelError(error.Code == "PasswordMismatch" ? "Password.Current" : "Password.New",
                    error.Code == "PasswordMismatch" ? "That is not your current password." : error.Description);
            return Page();
        }
        await signIn.RefreshSignInAsync(user);
        TempData.Notice("Your password has been changed.");
        return RedirectToPage();
    }

    /// <summary>Deletes the shopper's own account (<see cref="AccountDeletion"/>) once they give their password, then signs out.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        Shopper = user;
        DisplayName = user.DisplayName;
        ValidateOnly(nameof(Delete) + ".");
        if (!ModelState.IsValid) return Page();
        if (await users.IsStaffAsync(user))
        {
            ModelState.AddModelError("Delete.Password", "A merchant account cannot be deleted from this page: an owner first takes away its staff role on the staff page, and the store is never left without an owner.");
            return Page();
        }
        if (!await users.CheckPasswordAsync(user, Delete.Password))
        {
            ModelState.AddModelError("Delete.Password", "That is not your password.");
            return Page();
        }

        var result = await deletion.DeleteAsync(user, Visitor.OfBrowser(HttpContext), ct);
        if (result.Outcome != AccountDeletionOutcome.Deleted)
        {
            ModelState.AddModelError("Delete.Password", "Your account could not be deleted just now. It is still there: please try again in a few minutes.");
            return Page();
        }
        var detached = result.OrdersKept;
        cart.AccountDeleted();
        Visitor.Forget(HttpContext);
        await signIn.SignOutAsync();
        TempData.Notice(detached == 0
            ? "Your account has been deleted."
            : $"Your account has been deleted. The store keeps the {detached} order{(detached == 1 ? "" : "s")} you placed for its accounts; the links in their e-mails work until they expire.");
        return RedirectToPage("/Index");
    }

    /// <summary>Each form of the page posts alone: only its own fields are checked.</summary>
    private void ValidateOnly(string prefix)
    {
        foreach (var key in ModelState.Keys.Where(k => !k.StartsWith(prefix, StringComparison.Ordinal)).ToList()) ModelState.Remove(key);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A shopper's data could not be gathered: {Reason}")]
    private partial void LogNoExport(string reason);
}
