// Add a signing: a capital increase is entered as its increment, so choosing that kind puts 0 where
// the project's whole amount was pre-filled and names the field "Increment"; choosing another kind
// puts the whole amount back if the field still holds the 0.
(function () {
  "use strict";
  function setUp() {
    var kind = document.getElementById("id_kind");
    var amount = document.getElementById("id_stated_value_cny");
    if (!kind || !amount) return;
    var label = document.querySelector('label[for="id_stated_value_cny"]');
    kind.addEventListener("change", function () {
      var increase = kind.value === "capital_increase";
      if (increase && amount.value === amount.dataset.whole) amount.value = "0";
      if (!increase && amount.value === "0") amount.value = amount.dataset.whole;
      if (label && label.firstChild) {
        label.firstChild.nodeValue = increase ? amount.dataset.labelIncrement : amount.dataset.labelStated;
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
