// Search suggestions for every search box with a data-suggest URL: fills its <datalist> from /search.json.
// The search form works without this file; it only saves typing.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest");
    var timer = null;
    var last = "";
    if (!list || !url) { return; }
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = q;
        fetch(url + "?q=" + encodeURIComponent(q) + "&limit=10", { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (hits) {
            while (list.firstChild) { list.removeChild(list.firstChild); }
            hits.forEach(function (hit) {
              var option = document.createElement("option");
              option.value = hit.label;
              option.textContent = hit.codes.length ? hit.codes.join(", ") : (hit.kind || "");
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are optional */ });
      }, 150);
    });
  }
  document.querySelectorAll("input[data-suggest]").forEach(attach);
}());
