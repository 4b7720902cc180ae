using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

[Authorize]
public sealed class IndexModel(UserManager<StoreUser> users, SignInManager<StoreUser> signIn) : PageModel
{
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

    [BindProperty] public PasswordInput Password { get; set; } = new();

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        Shopper = user;
        DisplayName = user.DisplayName;
        return Page();
    }

    public async Task<IActionResult> OnPostProfileAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        Shopper = user;
        foreach (var key in ModelState.Keys.Where(k => k.StartsWith("Password.", StringComparison.Ordinal)).ToList()) ModelState.Remove(key);
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
        ModelState.Remove(nameof(DisplayName));
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
}
