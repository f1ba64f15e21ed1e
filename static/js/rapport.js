/* Rapport's behaviour, in one static file so that a strict Content-Security-Policy
   (script-src 'self', no inline scripts or on*= handlers) holds. Every page works without
   it; it only makes a few things quicker. */
(function () {
  "use strict";

  // htmx requests carry the CSRF token from <meta name="csrf-token"> (POST, PUT, ...).
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRFToken"] = meta.content;
    }
  });

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  ready(function () {
    // The language switch is a plain form with a submit button; with JavaScript it
    // switches as soon as a language is chosen, and the button steps aside.
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      var button = form.querySelector("[data-autosubmit-button]");
      if (button) {
        button.classList.add("visually-hidden");
      }
      form.querySelectorAll("select").forEach(function (select) {
        select.addEventListener("change", function () {
          form.requestSubmit ? form.requestSubmit(button || undefined) : form.submit();
        });
      });
    });

    // Read-only fields worth copying (the calendar feed) select their text on click.
    document.querySelectorAll("[data-select-on-click]").forEach(function (input) {
      input.addEventListener("click", function () {
        input.select();
      });
    });
  });

  // A form with data-confirm asks before it is sent (cancelling a meeting).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
