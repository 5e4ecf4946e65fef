// "Turn on notifications on this device": registers the service worker, asks the browser for
// permission and sends the subscription to /api/v1/push-subscriptions/. Progressive: the box
// stays hidden where the browser has no PushManager (or push is off on the server), and
// reminders then come by e-mail.
(function () {
  "use strict";
  var box = document.querySelector("[data-push]");
  if (!box || !box.dataset.vapidKey) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;

  var api = box.dataset.api;
  var csrf = box.querySelector("input[name=csrfmiddlewaretoken]").value;
  var onButton = box.querySelector("[data-push-on]");
  var offButton = box.querySelector("[data-push-off]");
  var status = box.querySelector("[data-push-status]");
  var key = fromBase64Url(box.dataset.vapidKey);
  box.hidden = false;

  function fromBase64Url(text) {
    var base64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function sameKey(subscription) {
    var current = subscription.options && subscription.options.applicationServerKey;
    if (!current) return true;
    var bytes = new Uint8Array(current);
    return bytes.length === key.length && bytes.every(function (b, i) { return b === key[i]; });
  }

  function send(method, body) {
    return fetch(api, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok && response.status !== 404) throw new Error("HTTP " + response.status);
    });
  }

  function show(on, text) {
    onButton.hidden = on;
    offButton.hidden = !on;
    status.textContent = text;
  }

  function subscribe(registration) {
    return registration.pushManager
      .subscribe({ userVisibleOnly: true, applicationServerKey: key })
      .then(function (subscription) {
        var body = subscription.toJSON();
        body.user_agent = navigator.userAgent.slice(0, 200);
        return send("POST", body);
      });
  }

  var ready = navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  });

  ready.then(function (registration) {
    return registration.pushManager.getSubscription().then(function (subscription) {
      if (subscription && sameKey(subscription)) {
        show(true, "Notifications are on for this device.");
      } else if (Notification.permission === "denied") {
        show(false, "Notifications are blocked for this site in your browser's settings.");
      } else {
        show(false, "");
      }
    });
  });

  onButton.addEventListener("click", function () {
    onButton.disabled = true;
    status.textContent = "Asking your browser…";
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") {
          show(false, "Notifications were not allowed, so reminders come by e-mail.");
          return;
        }
        return ready.then(function (registration) {
          return registration.pushManager.getSubscription().then(function (old) {
            var clear = old && !sameKey(old) ? old.unsubscribe() : Promise.resolve();
            return clear.then(function () {
              return subscribe(registration);
            });
          });
        }).then(function () {
          show(true, "Notifications are on for this device.");
        });
      })
      .catch(function () {
        show(false, "Could not turn on notifications here. Reminders come by e-mail.");
      })
      .finally(function () {
        onButton.disabled = false;
      });
  });

  offButton.addEventListener("click", function () {
    offButton.disabled = true;
    ready
      .then(function (registration) {
        return registration.pushManager.getSubscription();
      })
      .then(function (subscription) {
        if (!subscription) return;
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () {
          return send("DELETE", { endpoint: endpoint });
        });
      })
      .then(function () {
        show(false, "Notifications are off for this device.");
      })
      .catch(function () {
        status.textContent = "Could not turn notifications off. Try again.";
      })
      .finally(function () {
        offButton.disabled = false;
      });
  });
})();
