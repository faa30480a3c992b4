// MesoPlan: small progressive enhancements (every page works without them; the server
// validates every form on its own).
(function () {
  "use strict";

  // A failed submit: focus the error summary, so it is announced and read first.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      // Show the question (its legend or label), not only the input, then focus it.
      var context = target.closest("fieldset, .field") || target;
      context.scrollIntoView({ block: "center" });
      target.focus({ preventScroll: true });
    });
  }

  // Screening form: show the hair-loss questions only for the hair indication.
  function syncHairFields(form) {
    var hair = form.querySelector("#hair-fields");
    var checked = form.querySelector("input[name=indication]:checked");
    if (hair) hair.hidden = !checked || checked.value !== "hair";
  }

  // "None of these apply" answers every question of its group with No; a Yes unticks it.
  // Unticking it again clears the answers it filled in, so "not asked" never looks like "no".
  function noneApplyBox(group) {
    return group.querySelector("input[type=checkbox][name^='none_']");
  }

  function onNoneApply(group, box) {
    group.querySelectorAll(".field--question").forEach(function (question) {
      var no = question.querySelector("input[type=radio][value=no]");
      var answered = question.querySelector("input[type=radio]:checked");
      if (box.checked && !answered && no) {
        no.checked = true;
        no.dataset.filledByNoneApply = "1";
      } else if (!box.checked && no && no.dataset.filledByNoneApply) {
        no.checked = false;
      }
      if (no && !box.checked) delete no.dataset.filledByNoneApply;
    });
  }

  function enhanceScreeningForm(form) {
    syncHairFields(form);
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.name === "indication") syncHairFields(form);
      var group = input.closest("[data-condition-group]");
      if (!group) return;
      var box = noneApplyBox(group);
      if (input === box) {
        onNoneApply(group, box);
      } else if (input.type === "radio") {
        delete input.dataset.filledByNoneApply;
        var no = input.closest(".field--question").querySelector("input[value=no]");
        if (no) delete no.dataset.filledByNoneApply;
        if (input.value === "yes" && box) box.checked = false;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    var form = document.getElementById("screening-form");
    if (form) enhanceScreeningForm(form);
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

// Calendar: choosing another clinician shows their week at once. The form has a Show
// button, so the choice works without this too.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("[data-autosubmit-on-change]")) return;
    if (select.form) select.form.submit();
  });
})();
