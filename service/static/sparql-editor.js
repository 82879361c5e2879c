// The query editor: YASGUI on our own endpoint only. No inline script (CSP); data comes from #sparql-config.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("sparql-config").textContent);
  const Yasqe = Yasgui.Yasqe;

  function prologue() {
    return Object.entries(config.prefixes)
      .map(([prefix, iri]) => `PREFIX ${prefix}: <${iri}>`)
      .join("\n");
  }

  // Terms for autocompletion: the classes and properties used in the data, as the build counted them
  // (/terms.json beside /sparql, so under any script root). Never a query: asking the endpoint for every
  // predicate in the store runs past its time limit. Nor prefix.cc or LOV.
  const termsUrl = new URL("terms.json", config.endpoint).href;
  let termsOnce = null;
  function localTerms(kind) {
    termsOnce =
      termsOnce ||
      fetch(termsUrl, { headers: { Accept: "application/json" } }).then((response) =>
        response.ok ? response.json() : { classes: [], properties: [] }
      ).catch(() => ({ classes: [], properties: [] }));
    return termsOnce.then((terms) => terms[kind]);
  }

  Yasqe.defaults.autocompleters = ["variables"];
  Yasqe.forkAutocompleter("class", {
    name: "local-class",
    bulk: true,
    get: () => localTerms("classes"),
  });
  Yasqe.forkAutocompleter("property", {
    name: "local-property",
    bulk: true,
    get: () => localTerms("properties"),
  });

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }], keys: [] },
    yasqe: {
      value: config.examples.length ? config.examples[0].query : prologue() + "\n\nSELECT * WHERE { ?s ?p ?o } LIMIT 10",
      autocompleters: ["variables", "local-class", "local-property"],
    },
    yasr: { prefixes: config.prefixes },
  });

  // YASGUI leaves a few controls without a name (the editor, the endpoint, the page size), puts its "+" button inside the tablist (where only tabs
  // belong) and CodeMirror's scroller out of keyboard reach (axe: label, aria-required-children,
  // scrollable-region-focusable). It redraws them per tab, so the repair runs again on every change.
  const names = [
    [".CodeMirror textarea", "SPARQL query"],
    ["input.autocomplete", "Endpoint"],
    [".tabsList a[role=tab] input", "Tab name"],
    ["select.tableSizer", "Rows per page"],
  ];
  function repair(root) {
    names.forEach(([selector, name]) => {
      root.querySelectorAll(selector).forEach((el) => {
        if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", name);
      });
    });
    root.querySelectorAll(".tabsList > div > button.addTab").forEach((button) => {
      button.closest(".tabsList").after(button);
    });
    root.querySelectorAll(".CodeMirror-scroll:not([tabindex='0'])").forEach((el) => {
      el.setAttribute("tabindex", "0");
      el.setAttribute("aria-label", "SPARQL query, scrollable");
    });
  }
  const root = document.getElementById("yasgui");
  repair(root);
  new MutationObserver(() => repair(root)).observe(root, { childList: true, subtree: true });

  document.querySelectorAll("button.example").forEach((button) => {
    button.addEventListener("click", () => {
      const example = config.examples.find((e) => e.name === button.dataset.example);
      const tab = yasgui.addTab(true, { name: example.tab });
      tab.setQuery(example.query);
      tab.query();
    });
  });
})();
