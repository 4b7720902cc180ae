using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

public sealed class LoginModel(SignInManager<StoreUser> signIn, UserManager<StoreUser> users, IPasswordHasher<StoreUser> hasher,
    CartMerge cartMerge, MerchantUnlock merchantUnlock) : PageModel
{
    public const string Mismatch = "That e-mail and password do not match an account.";

    // A hash of nothing in particular, checked when there is no account (or it is locked), so the
    // answer takes as long as a real wrong password and cannot tell who has an account.
    private static string? s_standInHash;

    public sealed record InputModel
    {
        [Required(ErrorMessage = "Enter your e-mail address."), EmailAddress(ErrorMessage = "Enter a valid e-mail address."), StringLength(256)]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password."), StringLength(200), DataType(DataType.Password)]
        public string Password { get; set; } = "";

        public bool RememberMe { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    /// <summary>
    /// The right password for an account whose address is not confirmed yet: besides the usual
    /// answer, offer to send the link again (by e-mail only, so this tells nothing to anyone who does
    /// not already know the password).
    /// </summary>
    public bool OfferConfirmation { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            // The checkbox cannot show back a value that is not a boolean (the framework throws
            // rendering it): show it unticked, with the error kept.
            if (ModelState.TryGetValue("Input.RememberMe", out var remember) && remember.ValidationState == Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
            {
                ModelState.SetModelValue("Input.RememberMe", false, "false");
                Error = "“Keep me signed in” is either ticked or not; please sign in again.";
            }
            return Page();
        }
        Error = Mismatch;
        var user = await users.FindByEmailAsync(Input.Email.Trim());
        if (user is null)
        {
            SpendHashingTime(new StoreUser(), null);
            return Page();
        }
        // Merchants are not locked for a while like shoppers: anyone could otherwise keep the
        // merchant out with a few wrong passwords. Their failures pause sign-in until an e-mailed
        // unlock link is opened (MerchantUnlock), which no one else can take from them.
        var merchant = await users.IsStaffAsync(user);
        var result = await signIn.PasswordSignInAsync(user, Input.Password, Input.RememberMe, lockoutOnFailure: !merchant);
        if (result.Succeeded)
        {
            await cartMerge.SignedInAsync(user.Id, TempData, HttpContext.RequestAborted);
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
        }
        // The right password of an account with two-step sign-in: the code comes next.
        if (result.RequiresTwoFactor)
            return RedirectToPage("/Account/LoginTwoStep", new { returnUrl = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null, rememberMe = Input.RememberMe });
        if (result.IsNotAllowed) await UnconfirmedAsync(user);
        // A locked account is refused before its password is checked: check it anyway, and say
        // the same as for a wrong password, so a lock does not reveal that the account exists.
        else if (result.IsLockedOut)
        {
            SpendHashingTime(user, user.PasswordHash);
            if (merchant) await merchantUnlock.PausedAttemptAsync(user, HttpContext.RequestAborted);
        }
        else if (merchant) await merchantUnlock.FailedAsync(user, HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>
    /// Identity refuses an unconfirmed address before looking at the password: check it here, with
    /// the usual lockout, so the answer takes as long and guessing is limited as for any account.
    /// </summary>
    private async Task UnconfirmedAsync(StoreUser user)
    {
        if (await users.IsLockedOutAsync(user)) SpendHashingTime(user, user.PasswordHash);
        else if (await users.CheckPasswordAsync(user, Input.Password)) OfferConfirmation = true;
        else await users.AccessFailedAsync(user);
    }

    private void SpendHashingTime(StoreUser user, string? hash)
    {
        var standIn = s_standInHash ??= hasher.HashPassword(user, Guid.NewGuid().ToString());
        hasher.VerifyHashedPassword(user, hash ?? standIn, Input.Password);
    }
}
