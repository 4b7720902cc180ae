using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

/// <summary>
/// The link of a staff invitation. The invited address's account accepts it once signed in; an
/// address without a (confirmed) account gets one here, with the password chosen on this page.
/// </summary>
public sealed class JoinModel(StaffDirectory staff, UserManager<StoreUser> users, SignInManager<StoreUser> signIn, IOrders orders,
    CartMerge cartMerge) : PageModel
{
    /// <summary>What the page offers for this link and this visitor.</summary>
    public enum Offer { LinkProblem, ChoosePassword, SignIn, Accept, OtherAccount }

    public sealed record InputModel
    {
        public Guid Invitation { get; set; }
        public string? Token { get; set; } = "";

        [Required(ErrorMessage = "Enter your name."), StringLength(100, ErrorMessage = "Use at most 100 characters.")]
        public string Name { get; set; } = "";

        [Required(ErrorMessage = "Choose a password."), StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters."), DataType(DataType.Password)]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the password again."), Compare(nameof(Password), ErrorMessage = "The two passwords are not the same."), DataType(DataType.Password)]
        public string ConfirmPassword { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public Offer Shown { get; private set; }
    public StaffInvitation? Invitation { get; private set; }
    public string? SignedInAs { get; private set; }
    public string? Problem { get; private set; }

    public async Task OnGetAsync(Guid invitation, string? token, CancellationToken ct)
    {
        Input = new InputModel { Invitation = invitation, Token = token ?? "" };
        ModelState.Clear();
        await ReadAsync(ct);
    }

    public async Task<IActionResult> OnPostAcceptAsync(CancellationToken ct)
    {
        ModelState.Clear();
        if (await RepeatedAcceptAsync(ct) is { } repeated) return repeated;
        if (await ReadAsync(ct) is not { } account || Shown != Offer.Accept) return Page();
        var result = await staff.AcceptAsync(Input.Invitation, Input.Token!, account, ct);
        if (result.Outcome == StaffOutcome.InvitationNotValid && await RepeatedAcceptAsync(ct) is { } second) return second;
        if (!result.Succeeded) return Refused(result);
        // The cookie's roles are those of the sign-in: renew it so the header knows at once.
        await signIn.RefreshSignInAsync(account);
        return Joined(Invitation!.Role);
    }

    /// <summary>
    /// A second press of "Accept" (or the same post again, before or after the first finished): the
    /// first accepted it for this same signed-in account, so this one ends the same way.
    /// </summary>
    private async Task<IActionResult?> RepeatedAcceptAsync(CancellationToken ct) =>
        await users.GetUserAsync(User) is { } signedIn && await staff.JustAcceptedByAsync(Input.Invitation, Input.Token, ct) is { } joined
        && joined.Id == signedIn.Id ? await JoinedAsync(joined, ct) : null;

    /// <summary>
    /// A second press of "Join the staff": the first made the account with this password (nobody
    /// else knows it), so this one signs in to it and ends the same way.
    /// </summary>
    private async Task<IActionResult?> RepeatedCreateAsync(CancellationToken ct) =>
        await staff.JustAcceptedByAsync(Input.Invitation, Input.Token, ct) is { } joined
        && (await users.GetUserAsync(User) is not { } current || current.Id == joined.Id)
        && await users.CheckPasswordAsync(joined, Input.Password) ? await JoinedAsync(joined, ct) : null;

    /// <summary>The invitation was accepted a moment ago by this person: the same outcome as their first request.</summary>
    private async Task<IActionResult> JoinedAsync(StoreUser account, CancellationToken ct)
    {
        if (await users.StaffRoleAsync(account) is not { } role)
        {
            Shown = Offer.LinkProblem;
            return Page();
        }
        if (!User.Identity!.IsAuthenticated && account.TwoFactorEnabled)
        {
            // The password was right, but the account asks for its app's code too: the ordinary sign-in.
            TempData.Notice($"You are on the staff as {Roles.Title(role)}. Sign in with your password and the code of your app.");
            return RedirectToPage("/Account/Login", new { returnUrl = "/admin" });
        }
        if (!User.Identity!.IsAuthenticated)
        {
            await signIn.SignInAsync(account, isPersistent: false);
            await cartMerge.SignedInAsync(account.Id, TempData, ct);
        }
        return Joined(role);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var valid = ModelState.IsValid;
        if (valid && await RepeatedCreateAsync(ct) is { } repeated) return repeated;
        if (await ReadAsync(ct) is not null || Shown != Offer.ChoosePassword || !valid) return Page();
        var result = await staff.AcceptWithNewPasswordAsync(Input.Invitation, Input.Token!, Input.Name.Trim(), Input.Password, ct);
        if (result.Outcome == StaffOutcome.InvitationNotValid && await RepeatedCreateAsync(ct) is { } second) return second;
        if (result.Outcome == StaffOutcome.AccountRefused)
        {
            foreach (var error in result.Errors ?? []) ModelState.AddModelError("Input.Password", error.Description);
            return Page();
        }
        if (!result.Succeeded) return Refused(result);
        var account = await users.FindByEmailAsync(Invitation!.Email);
        // The link proved the address: the guest orders placed with it join the account, as confirming would.
        await orders.ClaimAllAsync(account!.Id, account.Email!, ct);
        await signIn.SignInAsync(account, isPersistent: false);
        await cartMerge.SignedInAsync(account.Id, TempData, ct);
        return Joined(Invitation!.Role);
    }

    private IActionResult Joined(string role)
    {
        TempData.Notice($"Welcome to the staff. Your role is {Roles.Title(role)}: {Roles.Scope(role)}.");
        return RedirectToPage("/Index", new { area = "Admin" });
    }

    private IActionResult Refused(StaffResult result)
    {
        (Shown, Problem) = result.Outcome == StaffOutcome.LastOwner
            ? (Offer.LinkProblem, "Your account is the store's only owner; joining in another role would leave the store without one. Make someone else an owner first.")
            : (Offer.LinkProblem, null);
        return Page();
    }

    /// <summary>Reads the invitation and who is here; returns the signed-in account when it is the invited one.</summary>
    private async Task<StoreUser?> ReadAsync(CancellationToken ct)
    {
        Invitation = await staff.FindAsync(Input.Invitation, Input.Token, ct);
        if (Invitation is null)
        {
            Shown = Offer.LinkProblem;
            return null;
        }
        var invited = await users.FindByEmailAsync(Invitation.Email);
        var signedIn = await users.GetUserAsync(User);
        SignedInAs = signedIn?.Email;
        if (signedIn is not null && signedIn.Id != invited?.Id)
        {
            Shown = Offer.OtherAccount;
            return null;
        }
        if (invited is not { EmailConfirmed: true })
        {
            Shown = Offer.ChoosePassword;
            return null;
        }
        Shown = signedIn is null ? Offer.SignIn : Offer.Accept;
        return signedIn;
    }
}
