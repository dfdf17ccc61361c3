// Deep links: copy a passage's link, and show where a link lands.
//
// Every paragraph and list item of a page has a stable id and a link mark
// (a.kb-anchor) added at build time; headings have Material's permalink
// (a.headerlink). Selecting either copies the absolute URL of that passage
// and says so. Opening a URL with a fragment, directly or through instant
// navigation, briefly highlights the passage it points to.
(function () {
  "use strict";

  var toast;

  function announce(message) {
    if (!toast) {
      toast = document.createElement("div");
      toast.className = "kb-toast";
      toast.setAttribute("role", "status");
      toast.setAttribute("aria-live", "polite");
      document.body.appendChild(toast);
    }
    toast.textContent = message;
    toast.setAttribute("data-visible", "");
    clearTimeout(announce.timer);
    announce.timer = setTimeout(function () {
      toast.removeAttribute("data-visible");
    }, 2000);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // file:// and plain http: the old way still works there.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      ok ? resolve() : reject(new Error("copy refused"));
    });
  }

  function flash(target) {
    if (!target) return;
    target.classList.remove("kb-flash");
    void target.offsetWidth; // restart the animation
    target.classList.add("kb-flash");
    setTimeout(function () { target.classList.remove("kb-flash"); }, 2600);
  }

  function targetOfHash() {
    if (!location.hash) return null;
    try {
      return document.getElementById(decodeURIComponent(location.hash.slice(1)));
    } catch (error) {
      return null;
    }
  }

  document.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest("a.kb-anchor, a.headerlink");
    if (!mark || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    // Ours alone: instant navigation would otherwise reload this very page.
    event.preventDefault();
    event.stopPropagation();
    // Read the fragment from the resolved URL: instant navigation rewrites
    // every href attribute to an absolute address.
    var id = decodeURIComponent(new URL(mark.href, location.href).hash.slice(1));
    var url = new URL("#" + id, location.href).href;
    history.replaceState(history.state, "", url);
    flash(document.getElementById(id));
    copyText(url).then(function () {
      mark.setAttribute("data-copied", "");
      setTimeout(function () { mark.removeAttribute("data-copied"); }, 2000);
      announce("Link copied");
    }, function () {
      announce("Copy failed: the link is in the address bar");
    });
  }, true); // capture: before Material's own click handling on <body>

  // A discipline selected inside the enlarged diagram: close the lightbox
  // (mkdocs-glightbox's global `lightbox`) so the section it links to shows.
  document.addEventListener("click", function (event) {
    var node = event.target.closest && event.target.closest(".glightbox-container a");
    if (node && typeof lightbox !== "undefined") {
      lightbox.close(); // eslint-disable-line no-undef
    }
  });

  function onPage() {
    var target = targetOfHash();
    if (target) {
      // Material scrolls to the target; make sure it is not under the header.
      target.scrollIntoView({ block: "start" });
      flash(target);
    }
  }

  window.addEventListener("hashchange", onPage);
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage); // first load and every instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", onPage);
  }
})();
