// MesoPlan calendar: two enhancements of the time grid; without them every action still
// works through its link or form.
// 1. A free period is a link that books its first quarter hour; a click books the quarter
//    hour under the pointer instead.
// 2. With a mouse, an appointment can be dragged to another slot of its column (the day
//    view) or to another day (the week view). The drop opens the move's proposal (what
//    would move and why); nothing is saved until it is confirmed there. Touch and keyboard keep the appointment page's form.
(function () {
  "use strict";

  var SLOT = 15;

  function hhmm(minute) {
    var h = Math.floor(minute / 60), m = minute % 60;
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
  }

  function minutesOf(text) {
    var parts = text.split(":");
    return parseInt(parts[0], 10) * 60 + parseInt(parts[1], 10);
  }

  function slotHeight(slots) {
    var rows = parseInt(slots.getAttribute("data-rows"), 10) || 1;
    return slots.getBoundingClientRect().height / rows;
  }

  // 1. The quarter hour under the pointer, within the free period.
  function onFreeClick(event) {
    var link = event.target.closest(".cal__free");
    if (!link || event.detail === 0) return; // keyboard: the link's own first slot
    var slots = link.closest(".cal__slots");
    var first = minutesOf(link.getAttribute("data-starts"));
    var last = minutesOf(link.getAttribute("data-ends")) - SLOT;
    var offset = event.clientY - link.getBoundingClientRect().top;
    var minute = Math.min(last, first + Math.floor(offset / slotHeight(slots)) * SLOT);
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("time", hhmm(minute));
    event.preventDefault();
    window.location.assign(url.toString());
  }

  // 2. Dragging an appointment.
  var drag = null;

  function columnAt(x, y) {
    var element = document.elementFromPoint(x, y);
    return element ? element.closest(".cal__slots[data-day]") : null;
  }

  function dropMinute(slots, y) {
    var first = parseInt(slots.getAttribute("data-first"), 10);
    var rows = parseInt(slots.getAttribute("data-rows"), 10);
    var row = Math.floor((y - drag.grab - slots.getBoundingClientRect().top) / slotHeight(slots));
    row = Math.max(0, Math.min(rows - 1, row));
    return first + row * SLOT;
  }

  function allowedColumn(slots) {
    if (!slots) return false;
    var lane = drag.source.getAttribute("data-lane");
    return !lane || slots.getAttribute("data-lane") === lane;
  }

  function onPointerDown(event) {
    var item = event.target.closest(".appt[data-move-url]");
    if (!item || event.pointerType !== "mouse" || event.button !== 0) return;
    drag = {
      item: item,
      source: item.closest(".cal__slots"),
      x: event.clientX,
      y: event.clientY,
      grab: event.clientY - item.getBoundingClientRect().top,
      moving: false,
    };
  }

  function onPointerMove(event) {
    if (!drag) return;
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moving && Math.abs(dx) + Math.abs(dy) < 6) return;
    drag.moving = true;
    drag.item.classList.add("is-dragging");
    drag.item.style.transform = "translate(" + dx + "px," + dy + "px)";
    var slots = columnAt(event.clientX, event.clientY);
    document.querySelectorAll(".cal__slots.is-drop").forEach(function (s) { s.classList.remove("is-drop"); });
    if (allowedColumn(slots)) {
      slots.classList.add("is-drop");
      drag.item.setAttribute("data-drop-label", hhmm(dropMinute(slots, event.clientY)));
    }
  }

  // The move's proposal is a page of its own (a GET: nothing is saved until confirmed).
  function proposeMove(url, day, time) {
    var target = new URL(url, window.location.href);
    target.searchParams.set("date", day);
    target.searchParams.set("time", time);
    target.hash = "proposal";
    window.location.assign(target.toString());
  }

  function onPointerUp(event) {
    if (!drag) return;
    var current = drag;
    drag = null;
    document.querySelectorAll(".cal__slots.is-drop").forEach(function (s) { s.classList.remove("is-drop"); });
    if (!current.moving) return;
    current.item.addEventListener("click", function (e) { e.preventDefault(); }, { once: true });
    drag = current;
    var slots = columnAt(event.clientX, event.clientY);
    var allowed = allowedColumn(slots);
    var minute = allowed ? dropMinute(slots, event.clientY) : null;
    drag = null;
    current.item.style.transform = "";
    current.item.classList.remove("is-dragging");
    current.item.removeAttribute("data-drop-label");
    if (!allowed) return;
    proposeMove(current.item.getAttribute("data-move-url"), slots.getAttribute("data-day"), hhmm(minute));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var grid = document.querySelector(".cal");
    if (!grid) return;
    grid.addEventListener("click", onFreeClick);
    grid.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("pointermove", onPointerMove);
    document.addEventListener("pointerup", onPointerUp);
    grid.addEventListener("dragstart", function (event) {
      if (event.target.closest && event.target.closest(".appt")) event.preventDefault();
    });
  });
})();
