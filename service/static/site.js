// Search suggestions for every search box with a data-suggest URL (/search.json): a combobox with a list
// of suggestions, as the WAI-ARIA Authoring Practices' "list autocomplete" pattern describes. Choosing a
// suggestion opens that entity's page: a click, or the arrow keys then Enter. Enter with no suggestion
// chosen submits the form as usual. The search form works without this file; it only saves typing.
(function () {
  "use strict";

  function attach(input) {
    var url = input.getAttribute("data-suggest");
    var form = input.form;
    var list = document.createElement("ul");
    var active = -1;
    var asked = 0;
    var timer = null;
    var last = "";
    if (!url || !form) { return; }
    // A <datalist> from the page, if any, gives way: its choices cannot open a page.
    var datalist = input.getAttribute("list") && document.getElementById(input.getAttribute("list"));
    if (datalist) { datalist.parentNode.removeChild(datalist); }
    input.removeAttribute("list");
    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    form.classList.add("suggesting");
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      Array.prototype.forEach.call(all, function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function open(option) { window.location.assign(option.getAttribute("data-href")); }

    function show(q, hits) {
      list.setAttribute("data-q", q);  // what the list answers (the box may hold more by now)
      while (list.firstChild) { list.removeChild(list.firstChild); }
      hits.forEach(function (hit, i) {
        var option = document.createElement("li");
        var note = document.createElement("span");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-href", hit.href);
        option.textContent = hit.label;
        note.className = "muted";
        note.textContent = " " + [hit.kind || ""].concat(hit.codes).filter(Boolean).join(", ");
        option.appendChild(note);
        list.appendChild(option);
      });
      active = -1;
      list.hidden = hits.length === 0;
      input.setAttribute("aria-expanded", hits.length ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
    }

    function suggest() {
      var q = input.value.trim();
      var mine;
      if (q.length < 2) { last = ""; close(); return; }
      if (q === last) { return; }
      last = q;
      asked += 1;
      mine = asked;
      fetch(url + "?q=" + encodeURIComponent(q) + "&limit=10", { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (hits) { if (mine === asked) { show(q, hits); } })
        .catch(function () { /* suggestions are optional */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) { return; }
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault();
        open(options()[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
    // Pressing on a suggestion must not take the focus from the box (its blur would close the list
    // before the click lands).
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { open(option); }
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(attach);
}());
