// Small behaviours for the server-rendered pages. No inline scripts (CSP): everything is
// wired through data attributes here, and every page still reads without JavaScript.
(function () {
  "use strict";

  function dismissToast(toast) {
    toast.classList.add("toast-leaving");
    setTimeout(function () { toast.remove(); }, 150);
  }

  function armToasts(root) {
    root.querySelectorAll(".toast:not([data-armed])").forEach(function (toast) {
      toast.setAttribute("data-armed", "");
      setTimeout(function () { if (toast.isConnected) dismissToast(toast); }, 8000);
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var closer = target.closest("[data-dismiss-toast]");
    if (closer) { dismissToast(closer.closest(".toast")); return; }

    // <button data-open-dialog="id"> opens <dialog id="id"> as a modal.
    var opener = target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-open-dialog"));
      if (dialog) { event.preventDefault(); closeMenus(); dialog.showModal(); }
      return;
    }
    var dialogCloser = target.closest("[data-close-dialog]");
    if (dialogCloser) {
      event.preventDefault();
      dialogCloser.closest("dialog").close();
      return;
    }

    // Copy buttons: <button data-copy-target="id">.
    var copier = target.closest("[data-copy-target]");
    if (copier) {
      var source = document.getElementById(copier.getAttribute("data-copy-target"));
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.value || source.textContent).then(function () {
          copier.textContent = "Copied";
        });
      } else if (source && source.select) {
        source.select();
      }
      return;
    }

    // Overflow menus: <details class="menu">; close others when one opens.
    if (!target.closest("details.menu")) closeMenus();
  });

  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }

  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (menu.matches && menu.matches("details.menu") && menu.open) {
      closeMenus(menu);
      var first = menu.querySelector("[role=menuitem]:not([disabled]), a, button:not([disabled])");
      if (first && menu.querySelector("summary") !== first) first.focus();
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    var menu = event.target.closest && event.target.closest("details.menu[open]");
    if (!menu) return;
    var items = Array.prototype.slice.call(menu.querySelectorAll(".menu-items a, .menu-items button:not([disabled])"));
    var index = items.indexOf(document.activeElement);
    if (event.key === "Escape") {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
      event.preventDefault();
    } else if (event.key === "ArrowDown" && items.length) {
      items[(index + 1) % items.length].focus();
      event.preventDefault();
    } else if (event.key === "ArrowUp" && items.length) {
      items[(index - 1 + items.length) % items.length].focus();
      event.preventDefault();
    }
  });

  // <input type=checkbox data-enables="button-id">: the button is enabled only while ticked.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches("[data-enables]")) {
      var button = document.getElementById(box.getAttribute("data-enables"));
      if (button) button.disabled = !box.checked;
    }
    if (box.matches("select[data-autosubmit]")) box.form.requestSubmit();
  });

  // Forms inside a dialog close it after a successful htmx request.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("dialog form[data-close-on-success]");
    if (form && event.detail.successful) form.closest("dialog").close();
  });

  document.addEventListener("htmx:afterSwap", function () { armToasts(document); });
  document.addEventListener("DOMContentLoaded", function () {
    armToasts(document);
    document.querySelectorAll("[data-autosubmit] ~ button[type=submit]").forEach(function (b) {
      b.classList.add("visually-hidden");
    });
  });
})();

// --- Deployments pipeline (issue 4) ---------------------------------------------------
// A server response can ask for a dialog to be open (e.g. a confirmation that came back
// with a field error): <dialog data-open-on-load> is reopened as a modal after page load
// and after every htmx swap. Items marked aria-disabled="true" stay focusable (so their
// reason can be read on focus) but must not act.
(function () {
  "use strict";

  function openRequestedDialogs() {
    document.querySelectorAll("dialog[data-open-on-load]").forEach(function (dialog) {
      dialog.removeAttribute("data-open-on-load");
      if (dialog.open) dialog.close();
      dialog.showModal();
    });
  }

  document.addEventListener("click", function (event) {
    var item = event.target.closest && event.target.closest("[aria-disabled='true']");
    if (item) { event.preventDefault(); event.stopPropagation(); }
  }, true);

  // After an action swapped the Deployments tab in, keep keyboard users in place: focus the
  // refreshed tab panel (unless a dialog was reopened with an error, which takes focus).
  function focusRefreshedTab(event) {
    var target = event.detail && event.detail.target;
    var config = event.detail && event.detail.requestConfig;
    if (!target || target.id !== "deployments-tab" || !config || config.verb !== "post") return;
    if (document.querySelector("dialog[open]")) return;
    var panel = document.getElementById("tab-panel");
    if (panel) panel.focus();
  }

  document.addEventListener("DOMContentLoaded", openRequestedDialogs);
  document.addEventListener("htmx:afterSettle", function (event) {
    openRequestedDialogs();
    focusRefreshedTab(event);
  });
})();
