// Small behaviours declared in the markup (the Content-Security-Policy allows no inline script
// and no onchange= / onclick= attributes):
// <select data-autosubmit> submits its form when changed; <button data-print> prints the page;
// <input type=checkbox data-check-all="selector"> ticks or unticks every box the selector finds.
document.addEventListener("change", function (event) {
  const target = event.target;
  if (target.matches("select[data-autosubmit]") && target.form) {
    target.form.submit();
  } else if (target.matches("input[type=checkbox][data-check-all]")) {
    document.querySelectorAll(target.dataset.checkAll).forEach(function (box) {
      box.checked = target.checked;
    });
  }
});
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// Confirm before destructive actions: <form data-confirm="…">.
document.addEventListener("submit", function (event) {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Long work started by a form: <form data-busy="…"> disables its buttons and says what is
// happening, so a second click does not start it twice.
document.addEventListener("submit", function (event) {
  const form = event.target;
  const message = form.getAttribute("data-busy");
  if (!message || event.defaultPrevented) {
    return;
  }
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    button.disabled = true;
    button.replaceChildren();
    const spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm me-1";
    spinner.setAttribute("aria-hidden", "true");
    button.append(spinner, document.createTextNode(message));
  });
});

// Search-as-you-type selects (congress_office.widgets.LookupSelect): a <select data-lookup-url>
// holds only "全部" and the chosen option; a search box above it fetches `?q=` from the lookup
// view (JSON [{id, text}]) and fills the options. Arrow down moves from the box to the list,
// Enter picks the first match, Escape restores the chosen value. Without JavaScript it stays
// a select with the chosen value.
function initLookupSelect(select) {
  if (select.dataset.lookupReady) {
    return;
  }
  select.dataset.lookupReady = "1";
  const url = select.dataset.lookupUrl;
  const emptyLabel = select.dataset.lookupEmpty || "";
  const input = document.createElement("input");
  input.type = "search";
  input.className = "form-control form-control-sm mb-1";
  input.placeholder = select.dataset.lookupPlaceholder || "";
  input.autocomplete = "off";
  input.setAttribute("enterkeyhint", "search");
  input.setAttribute("aria-controls", select.id);
  const label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
  if (label) {
    input.setAttribute("aria-label", label.textContent.replace(/[:：*]\s*$/, "").trim());
  }
  const status = document.createElement("div");
  status.className = "form-text lookup-status";
  status.setAttribute("aria-live", "polite");
  select.before(input);
  select.after(status);

  let initial = Array.from(select.options).map(function (o) {
    return { id: o.value, text: o.text, selected: o.selected };
  });
  let timer = null;
  let controller = null;

  function fill(rows, keepSelected) {
    const current = select.value;
    select.replaceChildren(new Option(emptyLabel, ""));
    rows.forEach(function (row) {
      const value = String(row.id);
      const option = new Option(row.text, value);
      option.selected = keepSelected && value === current;
      select.add(option);
    });
    if (!keepSelected || !rows.some(function (r) { return String(r.id) === current; })) {
      select.value = keepSelected ? current : "";
    }
  }

  function restore() {
    select.replaceChildren();
    initial.forEach(function (o) {
      const option = new Option(o.text, o.id, o.selected, o.selected);
      select.add(option);
    });
    select.size = 0;
    status.textContent = "";
  }

  function search() {
    const q = input.value.trim();
    if (controller) {
      controller.abort();
    }
    if (!q) {
      restore();
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
        fill(rows, false);
        if (rows.length) {
          select.size = Math.min(rows.length + 1, 8);
          status.textContent = "";
        } else {
          select.size = 0;
          status.textContent = select.dataset.lookupNone || "";
        }
      })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && select.options.length > 1) {
      event.preventDefault();
      if (!select.value) {
        select.selectedIndex = 1;
      }
      select.focus();
    } else if (event.key === "Enter") {
      if (input.value.trim() && select.options.length > 1) {
        event.preventDefault();
        select.selectedIndex = 1;
        choose();
      }
    } else if (event.key === "Escape" && input.value) {
      event.preventDefault();
      input.value = "";
      restore();
    }
  });
  function choose() {
    const chosen = select.options[select.selectedIndex];
    initial = [{ id: "", text: emptyLabel, selected: !select.value }];
    if (chosen && chosen.value) {
      initial.push({ id: chosen.value, text: chosen.text, selected: true });
    }
    input.value = "";
    restore();
  }
  // a click (or a phone's picker) chooses at once; arrow keys only move within the list
  let byKeyboard = false;
  select.addEventListener("pointerdown", function () {
    byKeyboard = false;
  });
  select.addEventListener("change", function () {
    if (select.size > 1 && !byKeyboard) {
      choose();
    }
  });
  select.addEventListener("blur", function () {
    if (select.size > 1) {
      choose();
    }
  });
  select.addEventListener("keydown", function (event) {
    byKeyboard = true;
    if (event.key === "Enter" && select.size > 1) {
      event.preventDefault();
      choose();
    } else if (event.key === "Escape" && select.size > 1) {
      event.preventDefault();
      input.value = "";
      restore();
      input.focus();
    }
  });
}

function initLookupSelects(root) {
  (root || document).querySelectorAll("select[data-lookup-url]").forEach(initLookupSelect);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", function () {
    initLookupSelects(document);
  });
} else {
  initLookupSelects(document);
}
document.addEventListener("htmx:load", function (event) {
  initLookupSelects(event.target);
});
