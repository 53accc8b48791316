/* Scrutiny tracker: the little the pages do with JavaScript. Every page works without it.
   - Marks the page as scripted (html.js-enabled) before it is drawn, so that on a phone the
     header menu starts folded behind its "Menu" button; without a script it is simply listed.
   - Opens and folds that menu.
   - Moves focus to a form's error summary, as the GOV.UK error summary does, so a screen
     reader announces the problems and the keyboard starts from them. */
(function () {
  "use strict";
  document.documentElement.classList.add("js-enabled");

  function menu() {
    var toggle = document.querySelector("[data-module='menu-toggle']");
    if (!toggle) { return; }
    var list = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!list) { return; }
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      list.classList.toggle("is-open", open);
    });
  }

  function errorSummary() {
    var summary = document.querySelector("[data-module='error-summary']");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      // A link in the summary moves focus to its input, and shows the input's label too.
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var input = document.getElementById(link.getAttribute("href").slice(1));
      if (!input || typeof input.focus !== "function") { return; }
      event.preventDefault();
      var group = input.closest(".form-group") || input;
      group.scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    menu();
    errorSummary();
  });
})();
