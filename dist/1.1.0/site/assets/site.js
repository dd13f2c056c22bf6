/* nato-corpus site: quotation filters and in-browser search. No framework, no network.
   Without JavaScript every list is shown in full; the filter form stays hidden. */
(function () {
  "use strict";

  function fold(text) {
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function tokens(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }
  function params() {
    return new URLSearchParams(window.location.search);
  }

  /* Quotations index: filter by speaker, year, credibility, verification and translation. */
  function setupFilters(form) {
    var cards = Array.prototype.slice.call(document.querySelectorAll("#quote-list > li"));
    var status = document.getElementById("shown");
    var fields = {};
    ["speaker", "year", "cred", "verification", "translated"].forEach(function (name) {
      if (form.elements[name]) { fields[name] = name; }  /* a release may lack a filter */
    });
    var query = params();
    Object.keys(fields).forEach(function (name) {
      var value = query.get(name);
      if (value !== null && form.elements[name]) { form.elements[name].value = value; }
    });
    function apply() {
      var shown = 0;
      var kept = new URLSearchParams();
      cards.forEach(function (card) {
        var ok = Object.keys(fields).every(function (name) {
          var want = form.elements[name].value;
          return !want || card.dataset[fields[name]] === want;
        });
        card.hidden = !ok;
        if (ok) { shown += 1; }
      });
      Object.keys(fields).forEach(function (name) {
        if (form.elements[name].value) { kept.set(name, form.elements[name].value); }
      });
      status.textContent = "Showing " + shown + " of " + cards.length + " quotations.";
      var search = kept.toString();
      window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
    }
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.hidden = false;
    apply();
  }

  /* Search: every word typed must start a word of the record; titles weigh more. */
  function setupSearch(form) {
    var index = (window.NATO_SEARCH_INDEX || []).map(function (record) {
      return { record: record, words: tokens(record.x), title: tokens(record.h) };
    });
    var input = document.getElementById("q");
    var list = document.getElementById("results");
    var status = document.getElementById("search-status");
    function matches(words, term) {
      return words.some(function (word) { return word.indexOf(term) === 0; });
    }
    function run(text) {
      var terms = tokens(text);
      list.textContent = "";
      if (!terms.length) { status.textContent = "Type a word to search."; return; }
      var found = index.filter(function (entry) {
        return terms.every(function (term) { return matches(entry.words, term); });
      }).map(function (entry) {
        var score = terms.filter(function (term) { return matches(entry.title, term); }).length;
        return { entry: entry, score: score };
      }).sort(function (a, b) { return b.score - a.score; });
      status.textContent = found.length + " record(s) match \u201c" + text + "\u201d.";
      found.forEach(function (hit) {
        var record = hit.entry.record;
        var item = document.createElement("li");
        item.className = "card";
        var kind = document.createElement("span");
        kind.className = "tag";
        kind.textContent = record.k;
        var link = document.createElement("a");
        link.href = record.u;
        link.textContent = record.h;
        var detail = document.createElement("p");
        detail.className = "meta";
        detail.textContent = record.s;
        item.appendChild(kind);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(link);
        item.appendChild(detail);
        list.appendChild(item);
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var search = input.value ? "?q=" + encodeURIComponent(input.value) : "";
      window.history.replaceState(null, "", search || window.location.pathname);
      run(input.value);
    });
    input.value = params().get("q") || "";
    run(input.value);
  }

  var filters = document.getElementById("filters");
  if (filters) { setupFilters(filters); }
  var search = document.getElementById("search");
  if (search) { setupSearch(search); }
}());
