/// The HTML report's style sheet and script, inlined into every report: the file must open from
/// a laptop's disk or a CI artifact with no network. The markup stays well-formed XML, so the
/// script avoids `<` and `&` and sits in a commented CDATA section.
enum HTMLReportAssets {
    static let style = """
    :root { color-scheme: light dark; --bg: #ffffff; --fg: #1d2430; --muted: #5b6472; --line: #d8dde5;
      --panel: #f5f7fa; --error: #c62828; --warning: #b26a00; --note: #1565c0; --ok: #2e7d32; --bar: #5c6bc0;
      --accent: #3949ab; }
    @media (prefers-color-scheme: dark) {
      :root { --bg: #14171c; --fg: #e4e8ee; --muted: #9aa4b2; --line: #2e3440; --panel: #1c2129;
        --error: #ef5350; --warning: #ffb74d; --note: #64b5f6; --ok: #81c784; --bar: #7986cb; --accent: #9fa8da; }
    }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    main { max-width: 1200px; margin: 0 auto; padding: 24px; }
    a { color: var(--accent); }
    .skip { position: absolute; left: -999px; }
    .skip:focus { left: 8px; top: 8px; background: var(--panel); padding: 6px 10px; }
    :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
    h1 { font-size: 1.6em; margin: 0 0 4px; }
    h2 { font-size: 1.2em; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
    .verdict { font-size: 1.1em; font-weight: 600; padding: 10px 14px; border-radius: 6px; border-left: 6px solid; background: var(--panel); }
    .verdict.fail { border-color: var(--error); }
    .verdict.pass { border-color: var(--ok); }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; }
    dl.facts dt { color: var(--muted); }
    dl.facts dd { margin: 0; overflow-wrap: anywhere; }
    .tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0; padding: 0; list-style: none; }
    .tiles li { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px; }
    .tiles .n { display: block; font-size: 1.6em; font-weight: 700; }
    .tiles .error .n { color: var(--error); } .tiles .warning .n { color: var(--warning); } .tiles .note .n { color: var(--note); }
    .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 16px; }
    figure { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
    figcaption { font-weight: 600; margin-bottom: 6px; }
    svg.chart { width: 100%; height: auto; display: block; }
    svg.chart text { fill: var(--fg); font-size: 12px; }
    svg.chart .muted { fill: var(--muted); }
    .sev-error { fill: var(--error); } .sev-warning { fill: var(--warning); } .sev-note { fill: var(--note); }
    .bar { fill: var(--bar); } .bar-ok { fill: var(--ok); }
    .legend { font-size: 0.85em; color: var(--muted); margin: 4px 0 0; }
    .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px; }
    .swatch.error { background: var(--error); } .swatch.warning { background: var(--warning); } .swatch.note { background: var(--note); }
    table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
    th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
    th { background: var(--panel); position: sticky; top: 0; }
    th button { font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
    th[aria-sort="ascending"] button::after { content: " \\25B2"; }
    th[aria-sort="descending"] button::after { content: " \\25BC"; }
    td.num, th.num { text-align: right; }
    .badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 0.85em; font-weight: 600; color: #fff; }
    .badge.error { background: var(--error); } .badge.warning { background: var(--warning); color: #000; } .badge.note { background: var(--note); }
    .badge.v-live { background: var(--error); } .badge.v-invalid { background: #6b7280; } .badge.v-unknown { background: #d1d5db; color: #000; }
    code, pre { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
    pre { background: var(--bg); border: 1px solid var(--line); padding: 6px 8px; white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0; }
    td.loc { overflow-wrap: anywhere; max-width: 320px; }
    details summary { cursor: pointer; }
    details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
    details dt { color: var(--muted); }
    details dd { margin: 0; overflow-wrap: anywhere; }
    form.filters { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: end; margin: 8px 0 12px; }
    form.filters label { display: flex; flex-direction: column; font-size: 0.85em; color: var(--muted); }
    form.filters select, form.filters input { font: inherit; padding: 4px 6px; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 4px; }
    button.copy { font: inherit; font-size: 0.85em; margin-left: 6px; }
    .muted { color: var(--muted); }
    footer { margin-top: 40px; color: var(--muted); font-size: 0.85em; }
    @media print {
      body { background: #fff; color: #000; font-size: 11px; }
      main { max-width: none; padding: 0; }
      form.filters, button.copy, .skip { display: none !important; }
      th { position: static; }
      figure, tr { break-inside: avoid; }
      .charts { grid-template-columns: 1fr 1fr; }
    }
    """

    /// Filtering, sorting, copy buttons, and opening every row before printing. Without it the
    /// page still shows everything, and each row still expands (`details`).
    static let script = """
    //<![CDATA[
    (function () {
      "use strict";
      var table = document.getElementById("findings");
      var form = document.getElementById("filters");
      if (!table || !form) { return; }
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var shown = document.getElementById("shown");
      form.hidden = false;
      function contains(haystack, needle) { return needle === "" || haystack.toLowerCase().indexOf(needle) !== -1; }
      function apply() {
        var category = form.elements.category.value, severity = form.elements.severity.value;
        var rule = form.elements.rule.value, path = form.elements.path.value.toLowerCase();
        var query = form.elements.q.value.toLowerCase(), count = 0;
        rows.forEach(function (row) {
          var d = row.dataset;
          var ok = (category === "" || d.category === category) ? ((severity === "" || d.severity === severity) ? ((rule === "" || d.rule === rule) ? (contains(d.path, path) ? contains(row.textContent, query) : false) : false) : false) : false;
          row.hidden = !ok;
          if (ok) { count += 1; }
        });
        shown.textContent = count + " of " + rows.length + " findings shown";
      }
      form.addEventListener("input", apply);
      form.addEventListener("change", apply);
      form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
      form.addEventListener("reset", function () { setTimeout(apply, 0); });
      var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
      heads.forEach(function (th, column) {
        var button = th.querySelector("button");
        if (!button) { return; }
        button.addEventListener("click", function () {
          var descending = th.getAttribute("aria-sort") === "ascending";
          var numeric = th.classList.contains("num");
          heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", descending ? "descending" : "ascending");
          function key(row) { var cell = row.cells[column]; return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent; }
          rows.sort(function (a, b) {
            var x = key(a), y = key(b), order;
            if (numeric) { order = Number(x) - Number(y); } else { order = x.localeCompare(y, undefined, { numeric: true }); }
            if (order === 0) { order = Number(a.dataset.index) - Number(b.dataset.index); }
            return descending ? -order : order;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
      Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          var text = button.dataset.copy;
          function done() { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1500); }
          function fallback() {
            var area = document.createElement("textarea");
            area.value = text; document.body.appendChild(area); area.select();
            try { document.execCommand("copy"); done(); } catch (e) { button.textContent = "Select and copy by hand"; }
            document.body.removeChild(area);
          }
          if (navigator.clipboard) { navigator.clipboard.writeText(text).then(done, fallback); } else { fallback(); }
        });
      });
      var opened = [];
      window.addEventListener("beforeprint", function () {
        opened = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
        opened.forEach(function (d) { d.open = true; });
      });
      window.addEventListener("afterprint", function () { opened.forEach(function (d) { d.open = false; }); });
      apply();
    })();
    //]]>
    """
}
