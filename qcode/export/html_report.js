// The HTML report's quote filter (qcode export html). Plain DOM, no libraries: the
// page must open offline in any browser. It reads only numbers from the page's
// attributes (data-cases, data-groups: indices into the filter lists) and the text
// of elements, never project text as code.
(function () {
  "use strict";
  var form = document.getElementById("r-filters");
  if (!form) {
    return;
  }
  var text = document.getElementById("r-text");
  var byCase = document.getElementById("r-case");
  var byGroup = document.getElementById("r-group-filter");
  var status = document.getElementById("r-status");
  var printed = document.getElementById("r-printed");
  var quotes = Array.prototype.slice.call(document.querySelectorAll("article.quote"));
  var boxes = Array.prototype.slice.call(
    document.querySelectorAll("div.qcode, section.qsub, section.qgroup"));
  var total = quotes.length;

  // Accents and case do not matter: "construccion" finds "Construcción".
  function fold(value) {
    return value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // What typing searches: the quote, its code and subdivision, case, source, emphasis
  // and notes; not the context around it, which belongs to other quotes.
  var haystacks = quotes.map(function (quote) {
    var parts = [];
    var found = quote.querySelectorAll("[data-find]");
    for (var i = 0; i < found.length; i++) {
      parts.push(found[i].textContent);
    }
    var code = quote.closest("div.qcode");
    var sub = quote.closest("section.qsub");
    if (code) { parts.push(code.querySelector("h5 .name").textContent); }
    if (sub) { parts.push(sub.querySelector("h4 .name").textContent); }
    return fold(parts.join("\n"));
  });

  function holds(list, value) {
    return (" " + (list || "") + " ").indexOf(" " + value + " ") >= 0;
  }

  function label(select) {
    return select.options[select.selectedIndex].textContent;
  }

  function apply() {
    var words = fold(text.value).split(/\s+/).filter(Boolean);
    var onCase = byCase.value;
    var onGroup = byGroup ? byGroup.value : "";
    var shown = 0;
    quotes.forEach(function (quote, n) {
      var keep = (!onCase || holds(quote.getAttribute("data-cases"), onCase)) &&
        (!onGroup || holds(quote.getAttribute("data-groups"), onGroup)) &&
        words.every(function (word) { return haystacks[n].indexOf(word) >= 0; });
      quote.hidden = !keep;
      if (keep) { shown++; }
    });
    var filtering = shown !== total || words.length > 0 || onCase || onGroup;
    boxes.forEach(function (box) {
      var visible = box.querySelectorAll("article.quote:not([hidden])").length;
      box.hidden = visible === 0;
      var note = box.querySelector(":scope > h4 .shown, :scope > h5 .shown");
      if (note) { note.textContent = filtering ? " \u00b7 " + visible + " shown" : ""; }
    });
    status.textContent = filtering ? shown + " of " + total + " quotes" : total + " quotes";
    // On paper the controls are gone: say which quotes the printout holds.
    var what = [];
    if (onCase) { what.push("case " + label(byCase)); }
    if (onGroup) { what.push(label(byGroup)); }
    if (words.length) { what.push("\u201c" + text.value.trim() + "\u201d"); }
    printed.textContent = filtering
      ? "Quotes shown: " + what.join(", ") + " (" + shown + " of " + total + ")" : "";
  }

  // Many quotes: wait for a pause in typing rather than filter on every key.
  var timer = null;
  function soon() {
    if (total < 3000) { apply(); return; }
    clearTimeout(timer);
    timer = setTimeout(apply, 150);
  }

  text.addEventListener("input", soon);
  byCase.addEventListener("change", apply);
  if (byGroup) { byGroup.addEventListener("change", apply); }
  document.getElementById("r-clear").addEventListener("click", function () {
    form.reset();
    apply();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  // A browser may restore typed values when the page is reopened: honour them.
  apply();
}());
