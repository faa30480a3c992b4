// MesoPlan: small progressive enhancements (every page works without them).
(function () {
  "use strict";
  // Screening form: show the hair-loss questions only for the hair indication.
  function syncHairFields(form) {
    var hair = form.querySelector("#hair-fields");
    var checked = form.querySelector("input[name=indication]:checked");
    if (hair) hair.hidden = !checked || checked.value !== "hair";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("screening-form");
    if (!form) return;
    syncHairFields(form);
    form.addEventListener("change", function (event) {
      if (event.target.name === "indication") syncHairFields(form);
    });
  });
})();

// Account actions (staff pages): a form with data-confirm asks before it is sent. The
// page says the same in words next to each button, so nothing depends on this.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
