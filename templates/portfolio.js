// Sorting and filtering for the account tables. The pages work without it: every row is
// shown, in the built order. Rows carry data-status, data-owner and data-reasons; cells
// carry data-value for sorting.
(function () {
  "use strict";
  var STATUS_ORDER = { "lost": 0, "at-risk": 1, "won-back": 2, "active": 3 };

  function distinct(rows, attribute, split) {
    var seen = {};
    rows.forEach(function (row) {
      var value = row.getAttribute(attribute) || "";
      (split ? value.split(" ") : [value]).forEach(function (item) {
        if (item) { seen[item] = true; }
      });
    });
    var keys = Object.keys(seen).sort();
    if (attribute === "data-status") {  // in the order the portfolio uses, lost first
      keys.sort(function (a, b) { return STATUS_ORDER[a] - STATUS_ORDER[b]; });
    }
    return keys;
  }

  function select(label, name, options, labels) {
    var wrapper = document.createElement("label");
    wrapper.textContent = label + " ";
    var element = document.createElement("select");
    element.name = name;
    var all = document.createElement("option");
    all.value = "";
    all.textContent = "All";
    element.appendChild(all);
    options.forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      // The names the pills and the charts use ("At risk", "Service failure").
      option.textContent = (labels && labels[value]) || value.replace(/-/g, " ");
      element.appendChild(option);
    });
    wrapper.appendChild(element);
    return wrapper;
  }

  function enhance(table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var labels = JSON.parse(table.getAttribute("data-labels") || "{}");
    var bar = document.createElement("div");
    bar.className = "filters";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Filter accounts");
    var filters = [
      select("Status", "data-status", distinct(rows, "data-status"), labels.status),
      select("Owner", "data-owner", distinct(rows, "data-owner")),
      select("Reason", "data-reasons", distinct(rows, "data-reasons", true), labels.reasons)
    ];
    var count = document.createElement("span");
    count.className = "aside";
    count.setAttribute("aria-live", "polite");
    filters.forEach(function (f) { bar.appendChild(f); });
    bar.appendChild(count);
    table.parentNode.insertBefore(bar, table);
    var empty = document.createElement("p");
    empty.className = "empty-filter";
    empty.textContent = "No account matches these filters. Choose \u201cAll\u201d in a filter to widen it.";
    empty.hidden = true;
    table.parentNode.insertBefore(empty, table.nextSibling);

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var visible = filters.every(function (wrapper) {
          var control = wrapper.querySelector("select");
          if (!control.value) { return true; }
          var value = row.getAttribute(control.name) || "";
          return control.name === "data-reasons" ?
            value.split(" ").indexOf(control.value) >= 0 : value === control.value;
        });
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      count.textContent = shown + " of " + rows.length + " shown";
      empty.hidden = shown > 0;
    }
    filters.forEach(function (f) { f.querySelector("select").addEventListener("change", apply); });
    apply();

    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      var kind = th.getAttribute("data-sort");
      if (!kind) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = a.cells[column].getAttribute("data-value") || "";
          var y = b.cells[column].getAttribute("data-value") || "";
          // An empty cell ("none", "not recorded") goes last in either direction.
          if (!x || !y) { return x === y ? 0 : x ? -1 : 1; }
          if (kind === "number") { x = parseFloat(x) || 0; y = parseFloat(y) || 0; }
          if (kind === "status") { x = STATUS_ORDER[x]; y = STATUS_ORDER[y]; }
          if (kind === "text") { x = x.toLowerCase(); y = y.toLowerCase(); }
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-filterable]"), enhance);
  });
}());
