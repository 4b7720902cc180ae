using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

public sealed class ResetPasswordModel(UserManager<StoreUser> users, EmailConfirmation confirmation) : PageModel
{
    public sealed record InputModel
    {
        [Required] public string Email { get; set; } = "";
        [Required] public string Token { get; set; } = "";

        [Required(ErrorMessage = "Choose a new password."), StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters."), DataType(DataType.Password)]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the password again."), Compare(nameof(Password), ErrorMessage = "The two passwords are not the same."), DataType(DataType.Password)]
        public string ConfirmPassword { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public string? LinkProblem { get; private set; }

    private const string BadLink = "This reset link is not valid or has expired. Ask for a new one.";

    public void OnGet(string? email, string? token)
    {
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(token)) LinkProblem = BadLink;
        Input = new InputModel { Email = email ?? "", Token = token ?? "" };
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrEmpty(Input.Email) || string.IsNullOrEmpty(Input.Token))
        {
            LinkProblem = BadLink;
            return Page();
        }
        if (!ModelState.IsValid) return Page();
        var user = await users.FindByEmailAsync(Input.Email);
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(Input.Token));
        }
        catch (FormatException)
        {
            token = "";
        }
        if (user is null || token.Length == 0)
        {
            LinkProblem = BadLink;
            return Page();
        }
        var result = await users.ResetPasswordAsync(user, token, Input.Password);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code == "InvalidToken")) LinkProblem = BadLink;
            foreach (var error in result.Errors.Where(e => e.Code != "InvalidToken")) ModelState.AddModelError("Input.Password", error.Description);
            return Page();
        }
        // A shopper who proves they own the address is let back in at once, and the address counts as confirmed.
        await confirmation.ConfirmedByResetAsync(user, HttpContext.RequestAborted);
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        TempData.Notice("Your password has been changed. Sign in with the new one.");
        return RedirectToPage("/Account/Login");
    }
}
