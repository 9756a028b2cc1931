// Filter forms submit themselves when a choice changes (no inline script: the CSP forbids it).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-filter-autosubmit]").forEach((form) => {
    form.querySelectorAll("select").forEach((el) => {
      el.addEventListener("change", () => form.requestSubmit());
    });
  });
});
