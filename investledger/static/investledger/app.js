// Small behaviours shared by every page. Inline scripts are forbidden by the Content-Security-Policy.
document.addEventListener("DOMContentLoaded", () => {
  // Auto-submit filter forms when a select changes.
  document.querySelectorAll("form[data-autosubmit] select").forEach((el) => {
    el.addEventListener("change", () => el.form.requestSubmit());
  });
});
// The account menu closes on a click elsewhere or on Escape, as a menu does.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.account-menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    document.querySelectorAll("details.account-menu[open]").forEach((menu) => menu.removeAttribute("open"));
  }
});
