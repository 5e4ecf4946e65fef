/* Flaremap service worker (served at /sw.js, scope "/"): shows the reminders sent by Web Push
   and opens their page on a tap. It caches nothing: diary pages hold health data. */
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

// Only our own pages are opened, whatever a message says.
function ownLink(link) {
  try {
    var url = new URL(link || "/", self.location.origin);
    return url.origin === self.location.origin ? url.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}

self.addEventListener("push", function (event) {
  var message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "Flaremap", {
      body: message.body || "",
      icon: "/static/img/icon-192.png",
      badge: "/static/img/icon-192.png",
      tag: message.tag || "flaremap",
      data: { link: ownLink(message.link) },
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var link = ownLink(event.notification.data && event.notification.data.link);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === link && "focus" in windows[i]) return windows[i].focus();
      }
      return self.clients.openWindow(link);
    })
  );
});
