// The ceremony grid: picking an investor from the search list, or choosing to create a new one.
// htmx fetches the list under the name field; this fills the row's hidden investor fields from the
// choice, shows the "new investor" badge, and tells the row (a change event) to check it again.
(function () {
  "use strict";
  function parts(cell) {
    return {
      name: cell.querySelector("input[name$='-investor_name']"),
      id: cell.querySelector("input[name$='-investor']"),
      isNew: cell.querySelector("input[name$='-new_investor']"),
      badge: cell.querySelector(".new-investor-badge"),
      results: cell.querySelector(".investor-results"),
    };
  }
  document.addEventListener("click", function (event) {
    var option = event.target.closest(".investor-option, .investor-new");
    if (!option) {
      document.querySelectorAll(".investor-results").forEach(function (list) {
        if (!list.closest(".ceremony-investor").contains(event.target)) list.replaceChildren();
      });
      return;
    }
    var row = parts(option.closest(".ceremony-investor"));
    var creating = option.classList.contains("investor-new");
    row.name.value = option.dataset.name;
    row.id.value = creating ? "" : option.dataset.id;
    row.isNew.value = creating ? "True" : "False";
    row.badge.classList.toggle("d-none", !creating);
    row.results.replaceChildren();
    row.name.dispatchEvent(new Event("change", { bubbles: true }));
  });
  document.addEventListener("input", function (event) {
    if (!event.target.matches("input[name$='-investor_name']")) return;
    // A name typed again is no longer the investor picked (or the new one chosen) before.
    var row = parts(event.target.closest(".ceremony-investor"));
    row.id.value = "";
    row.isNew.value = "False";
    row.badge.classList.add("d-none");
  });
})();
