// Small behaviours shared by every page. Inline scripts are forbidden by the Content-Security-Policy.
document.addEventListener("DOMContentLoaded", () => {
  // Auto-submit filter forms when a select changes.
  document.querySelectorAll("form[data-autosubmit] select").forEach((el) => {
    el.addEventListener("change", () => el.form.requestSubmit());
  });
});
