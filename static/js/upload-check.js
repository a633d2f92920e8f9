// The browser's check of chosen files, before anything is uploaded (the server checks again):
// every <input type=file data-upload-check> carries its field's limits (congress_office.upload_widgets):
// data-max-bytes, data-max-mb, data-allowed-ext ("jpg,pdf,…") and the messages in the page's language
// (data-msg-too-large "文件过大：%(size)s MB，上限 %(limit)s MB", data-msg-bad-type "不支持的文件类型：%(ext)s").
// A file that breaks them is named in a message under the input, the input is marked invalid and its
// form is not submitted until the choice is corrected.
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function extensionOf(name) {
    const dot = name.lastIndexOf(".");
    return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  }

  function problems(input) {
    const maxBytes = parseInt(input.dataset.maxBytes || "0", 10);
    const allowed = (input.dataset.allowedExt || "").split(",").filter(Boolean);
    const files = Array.from(input.files || []);
    const found = [];
    files.forEach(function (file) {
      const ext = extensionOf(file.name);
      let message = "";
      if (allowed.length && allowed.indexOf(ext) === -1) {
        message = format(input.dataset.msgBadType || "%(ext)s", { ext: ext ? "." + ext : file.name });
      } else if (maxBytes && file.size > maxBytes) {
        message = format(input.dataset.msgTooLarge || "%(size)s / %(limit)s", {
          size: (file.size / 1024 / 1024).toFixed(1),
          limit: input.dataset.maxMb || String(Math.round(maxBytes / 1024 / 1024)),
        });
      }
      if (message) {
        found.push(files.length > 1 ? "“" + file.name + "” " + message : message);
      }
    });
    return found;
  }

  function feedbackFor(input) {
    let box = input.uploadCheckFeedback;
    if (!box) {
      box = document.createElement("div");
      box.className = "invalid-feedback d-block upload-check-message";
      box.setAttribute("role", "alert");
      box.setAttribute("data-testid", "upload-check-message");
      input.after(box);
      input.uploadCheckFeedback = box;
    }
    return box;
  }

  // true when the input's files are acceptable; shows or clears the message
  function check(input) {
    const found = problems(input);
    if (!found.length) {
      if (input.uploadCheckFeedback) {
        input.uploadCheckFeedback.remove();
        input.uploadCheckFeedback = null;
      }
      input.classList.remove("is-invalid");
      input.setCustomValidity("");
      return true;
    }
    const box = feedbackFor(input);
    box.replaceChildren();
    found.forEach(function (text) {
      const line = document.createElement("div");
      line.textContent = text;
      box.append(line);
    });
    input.classList.add("is-invalid");
    input.setCustomValidity(found.join("\n"));
    return false;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("input[type=file][data-upload-check]")) {
      check(event.target);
    }
  });

  // in the capture phase, before app.js's data-confirm and data-busy handlers see the submit
  document.addEventListener(
    "submit",
    function (event) {
      const inputs = event.target.querySelectorAll("input[type=file][data-upload-check]");
      let firstBad = null;
      inputs.forEach(function (input) {
        if (!check(input) && !firstBad) {
          firstBad = input;
        }
      });
      if (firstBad) {
        event.preventDefault();
        event.stopPropagation();
        firstBad.focus();
        firstBad.scrollIntoView({ block: "center" });
      }
    },
    true
  );
})();
