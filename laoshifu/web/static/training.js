// 带徒弟: the exam's countdown and the certificate's print button; pages work without it.
(function () {
  "use strict";
  var clock = document.querySelector("time[data-deadline]");
  if (clock) {
    var end = Date.parse(clock.getAttribute("data-deadline"));
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      clock.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left < 60) clock.parentNode.classList.add("late");
      if (left > 0) setTimeout(tick, 1000);
    };
    tick();
  }
  var print = document.querySelector("[data-print]");
  if (print) print.addEventListener("click", function () { window.print(); });
})();
