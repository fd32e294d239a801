// Live progress of a procedure: refresh its steps every second while it
// runs; reload the whole page when it asks a new question or ends, so the
// answer form is never replaced while an agent types in it.
(function () {
  var box = document.getElementById("progress");
  if (!box || box.dataset.done === "true") return;
  var url = box.dataset.url, task = box.dataset.task;
  // The page's GET address, without a kept form's id: a reload asks for
  // the page as it is now and never submits a form again (location.reload
  // of a page reached by a POST would).
  function page() {
    var q = new URLSearchParams(location.search);
    q.delete("form");
    var s = q.toString();
    return location.pathname + (s ? "?" + s : "");
  }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        var t = r.headers.get("X-Task"), done = r.headers.get("X-Done");
        return r.text().then(function (html) {
          if (t !== task || done === "true") { location.replace(page()); return; }
          box.innerHTML = html;
          setTimeout(tick, 1000);
        });
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 1000);
})();
