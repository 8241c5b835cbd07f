// Small enhancements; every page works without them.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]")) el.form.submit();
  });
  document.addEventListener("click", function (event) {
    var back = event.target.closest && event.target.closest("[data-back]");
    if (back && history.length > 1) { event.preventDefault(); history.back(); }
  });
  // Thumbs up/down without leaving the answer.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-feedback]")) return;
    var button = event.submitter;
    if (!button || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var data = new FormData(form);
    data.set("helpful", button.value);
    fetch(form.action, { method: "POST", body: new URLSearchParams(data),
                         headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (body) {
        form.querySelector(".feedback-done").textContent = body.message;
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      })
      .catch(function () { form.submit(); });
  });
})();
