// The ask page's generated answer: server-sent events from /ask/generate, one checked
// sentence at a time; [n] become links to the sources listed under the answer.
(function () {
  "use strict";
  var box = document.querySelector(".generated[data-generate]");
  if (!box || !window.fetch || !window.TextDecoder) { return; }
  var out = box.querySelector(".generated-text");
  var started = false;

  function source(n) {
    var item = document.querySelector('ol.sources li[value="' + n + '"] a');
    return item ? { href: item.getAttribute("href"), title: item.textContent } : null;
  }

  function sentence(data) {
    if (!started) { out.textContent = ""; started = true; }
    // Text as text nodes, each [n] where the model put it, as a link to its source.
    data.text.split(/(\[\d+\])/).forEach(function (piece) {
      var marker = /^\[(\d+)\]$/.exec(piece);
      if (!marker) {
        if (piece) { out.appendChild(document.createTextNode(piece)); }
        return;
      }
      var where = source(marker[1]);
      var mark = document.createElement(where ? "a" : "span");
      mark.className = "cite";
      mark.textContent = piece;
      if (where) { mark.href = where.href; mark.title = where.title; }
      out.appendChild(mark);
    });
  }

  function done(data) {
    if (data.fell_back) {
      // Nothing unchecked was ever shown; still, a partial answer reads wrong: take it back.
      out.textContent = box.getAttribute("data-fell-back");
      out.className = "generated-text muted";
    }
  }

  function handle(block) {
    var name = "message", data = "";
    block.split("\n").forEach(function (line) {
      if (line.indexOf("event:") === 0) { name = line.slice(6).trim(); }
      else if (line.indexOf("data:") === 0) { data += line.slice(5).trim(); }
    });
    if (!data) { return; }
    var value = JSON.parse(data);
    if (name === "sentence") { sentence(value); } else if (name === "done") { done(value); }
  }

  var body = new FormData();
  ["question", "asked", "base", "csrf"].forEach(function (key) {
    body.append(key, box.getAttribute("data-" + key) || "");
  });
  fetch(box.getAttribute("data-generate"), { method: "POST", body: body, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok || !response.body) { throw new Error("HTTP " + response.status); }
      var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) { if (buffer.trim()) { handle(buffer); } return; }
          buffer += decoder.decode(step.value, { stream: true });
          var cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            handle(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
          }
          return pump();
        });
      }
      return pump();
    })
    .catch(function () { done({ fell_back: true }); });
})();
