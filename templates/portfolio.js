// Searching, sorting and filtering for the account tables. The pages work without it:
// no search box, every row shown, in the built order. Everything is read from what the
// cells say; the search reads the columns whose heading has data-find (name, owner,
// reasons, competitor).
(function () {
  "use strict";
  function distinct(rows, attribute, valueOf, split, order) {
    var seen = {};
    rows.forEach(function (row) {
      var value = valueOf(row, attribute);
      (split ? value.split(" ") : [value]).forEach(function (item) {
        if (item) { seen[item] = true; }
      });
    });
    var keys = Object.keys(seen).sort();
    if (order) {  // the statuses in the order the portfolio uses, lost first
      keys.sort(function (a, b) { return order[a] - order[b]; });
    }
    return keys;
  }

  // What a filter compares in a row, read from the cells so that no row says a thing
  // twice: the owner from its column, the status from its pill's class, the reasons from
  // their names (the columns' headings have data-owners, data-status, data-reasons).
  function reader(headings, labels) {
    var column = function (mark) {
      return headings.findIndex(function (th) { return th.hasAttribute(mark); });
    };
    var owners = column("data-owners"), status = column("data-status");
    var reasons = column("data-reasons");
    var reasonKeys = {};
    Object.keys(labels.reasons || {}).forEach(function (key) {
      reasonKeys[labels.reasons[key]] = key;
    });
    return function (row, attribute) {
      if (attribute === "data-owner") {
        return owners >= 0 ? row.cells[owners].textContent : "";
      }
      if (attribute === "data-status") {
        return status >= 0 ? statusOf(row.cells[status]) : "";
      }
      if (reasons < 0 || !row.cells[reasons].textContent) { return ""; }
      return row.cells[reasons].textContent.split(", ").map(function (name) {
        return reasonKeys[name] || name;
      }).join(" ");
    };
  }

  function statusOf(cell) {
    var pill = cell.querySelector("[class*='status-']");
    var match = pill && /status-([a-z-]+)/.exec(pill.className);
    return match ? match[1] : "";
  }

  // A date as the pages write it, "4 Aug 2025" or "Mon 28 Dec 2026, 17:00", as a key that
  // sorts ("2025-08-04", "2026-12-28 17:00"); anything else ("none", "check-in due ...")
  // has none, and sorts last.
  var MONTHS = { Jan: "01", Feb: "02", Mar: "03", Apr: "04", May: "05", Jun: "06",
                 Jul: "07", Aug: "08", Sep: "09", Oct: "10", Nov: "11", Dec: "12" };
  function dateKey(text) {
    var match = /^(?:[A-Z][a-z]{2} )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})(?:, (\d\d:\d\d))?$/.exec(text);
    if (!match || !MONTHS[match[2]]) { return ""; }
    var day = (match[1].length === 1 ? "0" : "") + match[1];
    return match[3] + "-" + MONTHS[match[2]] + "-" + day + (match[4] ? " " + match[4] : "");
  }

  function sortValue(cell, kind) {
    var text = cell.textContent.trim();
    if (kind === "date") { return dateKey(text); }
    if (kind === "status") { return statusOf(cell); }
    if (kind === "number") { return /\d/.test(text) ? text.replace(/[^\d.\-]/g, "") : ""; }
    return text;
  }

  // What the search compares: lower case, accents and repeated spaces dropped, so that
  // "sorensen" finds "Sørensen" and "renee" finds "Renée".
  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\u00f8/g, "o")
      .replace(/\u00d8/g, "O").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function searchBox(table) {
    var wrapper = document.createElement("p");
    wrapper.className = "search";
    var id = "search-" + (document.querySelectorAll("p.search").length + 1);
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Find an account";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    input.spellcheck = false;
    var hint = document.createElement("span");
    hint.className = "aside";
    hint.id = id + "-hint";
    hint.textContent = "by name, owner, reason or competitor";
    input.setAttribute("aria-describedby", hint.id);
    input.setAttribute("aria-controls", table.id);
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(hint);
    return wrapper;
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

  function enhance(table, number) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var labels = JSON.parse(table.getAttribute("data-labels") || "{}");
    // The statuses' order, from the status table: each key's rank.
    var statusOrder = {};
    (table.getAttribute("data-status-order") || "").split(" ").forEach(function (key, rank) {
      statusOrder[key] = rank;
    });
    var headings = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var valueOf = reader(headings, labels);
    var findColumns = [];
    headings.forEach(function (th, column) {
      if (th.hasAttribute("data-find")) { findColumns.push(column); }
    });
    var texts = new WeakMap();  // by row: sorting moves rows, not what they say
    rows.forEach(function (row) {
      texts.set(row, folded(findColumns.map(function (column) {
        return row.cells[column].textContent;
      }).join(" \u0000 ")));  // a word never runs from one column into the next
    });
    table.id = table.id || "accounts-table-" + number;
    var search = searchBox(table);
    var input = search.querySelector("input");
    var bar = document.createElement("div");
    bar.className = "filters";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Filter accounts");
    var filters = [
      select("Status", "data-status", distinct(rows, "data-status", valueOf, false, statusOrder),
             labels.status),
      select("Owner", "data-owner", distinct(rows, "data-owner", valueOf)),
      select("Reason", "data-reasons", distinct(rows, "data-reasons", valueOf, true),
             labels.reasons)
    ];
    var count = document.createElement("span");
    count.className = "count";
    count.setAttribute("role", "status");  // read out as it changes, without moving focus
    // An owner's own page has one owner: a filter of one choice says nothing.
    filters = filters.filter(function (f) { return f.querySelector("select").length > 2; });
    filters.forEach(function (f) { bar.appendChild(f); });
    bar.appendChild(count);
    var place = table.closest(".table-scroll") || table;
    place.parentNode.insertBefore(search, place);
    place.parentNode.insertBefore(bar, place);
    var empty = document.createElement("p");
    empty.className = "empty-filter";
    empty.textContent = "No account matches these filters. Clear the search or choose \u201cAll\u201d in a filter to widen it.";
    empty.hidden = true;
    place.parentNode.insertBefore(empty, place.nextSibling);

    function apply() {
      var shown = 0;
      // Every word typed must be found, in any of the searched columns, in any order.
      var words = folded(input.value).split(" ").filter(Boolean);
      rows.forEach(function (row) {
        var visible = words.every(function (word) {
          return texts.get(row).indexOf(word) >= 0;
        }) && filters.every(function (wrapper) {
          var control = wrapper.querySelector("select");
          if (!control.value) { return true; }
          var value = valueOf(row, control.name);
          return control.name === "data-reasons" ?
            value.split(" ").indexOf(control.value) >= 0 : value === control.value;
        });
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      count.textContent = shown + " of " + rows.length +
        (rows.length === 1 ? " account" : " accounts");
      empty.hidden = shown > 0;
    }
    filters.forEach(function (f) { f.querySelector("select").addEventListener("change", apply); });
    input.addEventListener("input", apply);
    // Enter on a search that leaves one account opens it.
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      var left = rows.filter(function (row) { return !row.hidden; });
      if (left.length === 1) { left[0].querySelector("a").click(); }
    });
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
          var x = sortValue(a.cells[column], kind);
          var y = sortValue(b.cells[column], kind);
          // An empty cell ("none", "not recorded") goes last in either direction.
          if (!x || !y) { return x === y ? 0 : x ? -1 : 1; }
          if (kind === "number") { x = parseFloat(x) || 0; y = parseFloat(y) || 0; }
          if (kind === "status") { x = statusOrder[x]; y = statusOrder[y]; }
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
