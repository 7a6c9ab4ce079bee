// Live reload for `bookpress preview`: ask the server for the sources' version
// and reload when it changes, keeping the reader's scroll position.
(function () {
  "use strict";
  var key = "bookpress-scroll:" + location.pathname + location.search;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.scrollTo(0, parseInt(saved, 10));
  }
  var version = document.documentElement.getAttribute("data-version");
  function poll() {
    fetch("/__version", { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (current) {
        if (current !== version) {
          sessionStorage.setItem(key, String(window.scrollY));
          location.reload();
        } else {
          setTimeout(poll, 400);
        }
      })
      .catch(function () { setTimeout(poll, 2000); });  // server restarting: keep trying
  }
  setTimeout(poll, 400);
})();
