// Search-as-you-type multiple choice (congress_office.multi_lookup.LookupSelectMultiple): a
// <select multiple data-lookup-multiple="url"> holds only the chosen options. It is hidden behind
// a search box that fetches `?q=` from the lookup view (JSON [{id, text}]) and lists the matches
// as buttons; a click (or Enter on the first match) adds the row as a chip, the chip's × removes
// it. The form still submits the select, so the server validates every id. Without JavaScript
// the select stays as it is.
(function () {
  "use strict";

  function init(select) {
    if (select.dataset.lookupReady) {
      return;
    }
    select.dataset.lookupReady = "1";
    const url = select.dataset.lookupMultiple;
    const wrapper = document.createElement("div");
    wrapper.className = "lookup-multi";
    const chips = document.createElement("div");
    chips.className = "lookup-multi-chips d-flex flex-wrap gap-1 mb-1";
    chips.setAttribute("data-testid", "chosen-" + select.name);
    const input = document.createElement("input");
    input.type = "search";
    input.className = "form-control";
    input.placeholder = select.dataset.lookupPlaceholder || "";
    input.autocomplete = "off";
    input.setAttribute("enterkeyhint", "search");
    const label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) {
      input.id = select.id + "_search";
      label.setAttribute("for", input.id);
    }
    const results = document.createElement("div");
    results.className = "list-group lookup-multi-results mt-1";
    const status = document.createElement("div");
    status.className = "form-text";
    status.setAttribute("aria-live", "polite");
    select.classList.add("d-none");
    select.before(wrapper);
    wrapper.append(chips, input, results, status);

    function renderChips() {
      chips.replaceChildren();
      const chosen = Array.from(select.options).filter(function (o) {
        return o.selected;
      });
      if (!chosen.length) {
        const none = document.createElement("span");
        none.className = "text-muted small";
        none.textContent = select.dataset.lookupChosenNone || "";
        chips.append(none);
      }
      chosen.forEach(function (option) {
        const chip = document.createElement("span");
        chip.className = "badge rounded-pill text-bg-light border d-inline-flex align-items-center gap-1 fs-6 fw-normal";
        chip.append(document.createTextNode(option.text));
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn-close btn-close-sm lookup-multi-remove";
        remove.setAttribute("aria-label", (select.dataset.lookupRemove || "") + " " + option.text);
        remove.addEventListener("click", function () {
          option.remove();
          renderChips();
          input.focus();
        });
        chip.append(remove);
        chips.append(chip);
      });
    }

    function add(row) {
      const value = String(row.id);
      const existing = Array.from(select.options).find(function (o) {
        return o.value === value;
      });
      if (existing) {
        existing.selected = true;
      } else {
        select.add(new Option(row.text, value, true, true));
      }
      input.value = "";
      results.replaceChildren();
      status.textContent = "";
      renderChips();
      input.focus();
    }

    let timer = null;
    let controller = null;
    function search() {
      const q = input.value.trim();
      if (controller) {
        controller.abort();
      }
      results.replaceChildren();
      status.textContent = "";
      if (!q) {
        return;
      }
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(function (rows) {
          const chosen = new Set(
            Array.from(select.options)
              .filter(function (o) { return o.selected; })
              .map(function (o) { return o.value; })
          );
          rows = rows.filter(function (row) { return !chosen.has(String(row.id)); });
          rows.forEach(function (row) {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "list-group-item list-group-item-action";
            button.textContent = row.text;
            button.addEventListener("click", function () {
              add(row);
            });
            results.append(button);
          });
          status.textContent = rows.length ? "" : select.dataset.lookupNone || "";
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // never submits the form from the search box
        const first = results.querySelector("button");
        if (first) {
          first.click();
        }
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        results.replaceChildren();
        status.textContent = "";
      } else if (event.key === "ArrowDown") {
        const first = results.querySelector("button");
        if (first) {
          event.preventDefault();
          first.focus();
        }
      }
    });
    renderChips();
  }

  function initAll(root) {
    (root || document).querySelectorAll("select[data-lookup-multiple]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      initAll(document);
    });
  } else {
    initAll(document);
  }
  document.addEventListener("htmx:load", function (event) {
    initAll(event.target);
  });
})();
