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

// Session form: the regions are picked on the face or scalp diagram. Each region (a group
// of its drawn shape and a larger, invisible hit area) becomes a keyboard-usable checkbox
// (Tab, then Space or Enter) kept in step with the region checkboxes beside it, which are
// the form's real inputs (they work without this). Only the picked regions' pass rows are
// shown. "None of these apply today" answers the pre-session questions with No.
(function () {
  "use strict";

  function regionBox(form, code) {
    return form.querySelector("input[name=regions][value='" + code + "']");
  }

  function sync(form) {
    var any = false;
    form.querySelectorAll("[data-region]").forEach(function (shape) {
      var box = regionBox(form, shape.getAttribute("data-region"));
      var on = !!(box && box.checked);
      shape.setAttribute("aria-checked", on ? "true" : "false");
      shape.classList.toggle("is-on", on);
    });
    form.querySelectorAll("[data-pass-row]").forEach(function (row) {
      var box = regionBox(form, row.getAttribute("data-pass-row"));
      var on = !!(box && box.checked);
      row.classList.toggle("is-on", on);
      row.hidden = !on;
      if (on) any = true;
    });
    var hint = form.querySelector("[data-no-regions]");
    if (hint) hint.hidden = any;
  }

  function toggle(form, shape) {
    var box = regionBox(form, shape.getAttribute("data-region"));
    if (!box) return;
    box.checked = !box.checked;
    sync(form);
  }

  function enhance(form) {
    form.classList.add("is-enhanced");
    form.querySelectorAll("[data-region]").forEach(function (shape) {
      var box = regionBox(form, shape.getAttribute("data-region"));
      if (!box) {
        shape.classList.add("is-unavailable");
        return;
      }
      var title = shape.querySelector("title");
      shape.setAttribute("role", "checkbox");
      shape.setAttribute("tabindex", "0");
      shape.setAttribute("aria-label", title ? title.textContent : shape.getAttribute("data-region"));
      shape.addEventListener("click", function () { toggle(form, shape); });
      shape.addEventListener("keydown", function (event) {
        if (event.key === " " || event.key === "Enter") {
          event.preventDefault();
          toggle(form, shape);
        }
      });
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === "regions") sync(form);
    });
    var none = form.querySelector("[data-none-apply]");
    if (none) {
      none.hidden = false;
      none.addEventListener("click", function () {
        form.querySelectorAll("[data-condition-group=today] input[type=radio][value=no]").forEach(
          function (radio) { radio.checked = true; }
        );
      });
    }
    sync(form);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("session-form");
    if (form) enhance(form);
  });
})();
