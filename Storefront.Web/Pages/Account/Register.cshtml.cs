using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

public sealed class RegisterModel(UserManager<StoreUser> users, SignInManager<StoreUser> signIn, CartMerge cartMerge,
    Storefront.Checkout.Contracts.IOrders orders, OrderAccess access) : PageModel
{
    public sealed record InputModel
    {
        [Required(ErrorMessage = "Enter your name."), StringLength(100, ErrorMessage = "Keep your name under 100 characters.")]
        public string DisplayName { get; set; } = "";

        [Required(ErrorMessage = "Enter your e-mail address."), EmailAddress(ErrorMessage = "Enter a valid e-mail address."), StringLength(256)]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Choose a password."), StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters."), DataType(DataType.Password)]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the password again."), Compare(nameof(Password), ErrorMessage = "The two passwords are not the same."), DataType(DataType.Password)]
        public string ConfirmPassword { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    /// <summary>A guest order (number and key) that the new account takes over.</summary>
    [BindProperty(SupportsGet = true)] public string? Order { get; set; }
    [BindProperty(SupportsGet = true)] public string? Key { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated == true) return LocalRedirect("/account");
        // Coming from a guest order: start from the e-mail address it was placed with.
        if (Order is not null && await orders.GetAsync(Order, ct) is { } order && access.MayView(User, order, Key)) Input.Email = order.Email;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return Page();
        var email = Input.Email.Trim();
        var user = new StoreUser { UserName = email, Email = email, DisplayName = Input.DisplayName.Trim() };
        var created = await users.CreateAsync(user, Input.Password);
        if (!created.Succeeded)
        {
            foreach (var error in created.Errors)
            {
                var field = error.Code switch
                {
                    "DuplicateEmail" or "DuplicateUserName" or "InvalidEmail" or "InvalidUserName" => "Input.Email",
                    _ when error.Code.StartsWith("Password", StringComparison.Ordinal) => "Input.Password",
                    _ => "",
                };
                var message = error.Code is "DuplicateEmail" or "DuplicateUserName"
                    ? "An account with this e-mail address already exists. Sign in, or reset your password."
                    : error.Description;
                if (!ModelState[field]?.Errors.Any(e => e.ErrorMessage == message) ?? true) ModelState.AddModelError(field, message);
            }
            return Page();
        }
        await signIn.SignInAsync(user, isPersistent: false);
        await cartMerge.SignedInAsync(user.Id, TempData, HttpContext.RequestAborted);
        if (Order is not null && await orders.GetAsync(Order, HttpContext.RequestAborted) is { UserId: null } guestOrder
            && access.MayView(User, guestOrder, Key) && await orders.ClaimAsync(guestOrder.Number, user.Id, HttpContext.RequestAborted))
            return LocalRedirect($"/orders/{guestOrder.Number}");
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/account");
    }
}
