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

  // Terms for autocompletion, asked of this endpoint alone (never prefix.cc or LOV).
  function localTerms(query) {
    const body = new URLSearchParams({ query: query });
    return fetch(config.endpoint, {
      method: "POST",
      headers: { Accept: "application/sparql-results+json" },
      body: body,
    })
      .then((response) => (response.ok ? response.json() : { results: { bindings: [] } }))
      .then((json) => json.results.bindings.map((row) => row.t.value));
  }

  Yasqe.defaults.autocompleters = ["variables"];
  Yasqe.forkAutocompleter("class", {
    name: "local-class",
    bulk: true,
    get: () => localTerms("SELECT DISTINCT ?t WHERE { [] a ?t } LIMIT 2000"),
  });
  Yasqe.forkAutocompleter("property", {
    name: "local-property",
    bulk: true,
    get: () => localTerms("SELECT DISTINCT ?t WHERE { [] ?t [] } LIMIT 2000"),
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

  document.querySelectorAll("button.example").forEach((button) => {
    button.addEventListener("click", () => {
      const example = config.examples.find((e) => e.name === button.dataset.example);
      const tab = yasgui.addTab(true, { name: example.tab });
      tab.setQuery(example.query);
      tab.query();
    });
  });
})();
