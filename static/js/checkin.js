/* The cadre's check-in page: ask the browser for the position, post it, show the answer.
 * No inline script (a strict CSP is coming): the page's messages come from data- attributes. */
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form) { return; }
  var button = document.getElementById("checkin-button");
  var result = document.getElementById("checkin-result");
  var list = document.getElementById("checkin-list");
  var msg = form.dataset;

  function show(text, kind) {
    result.textContent = text;
    result.className = "checkin-result " + (kind || "");
  }

  function addToList(data) {
    if (!list) { return; }
    var empty = list.querySelector(".empty");
    if (empty) { empty.remove(); }
    var li = document.createElement("li");
    li.className = data.valid ? "ok" : "bad";
    var time = document.createElement("strong");
    time.className = "nowrap";
    time.textContent = data.time;
    var badge = document.createElement("span");
    badge.className = "badge " + (data.valid ? "ok" : "bad");
    badge.textContent = data.text;
    li.appendChild(time);
    li.appendChild(document.createTextNode(" " + data.slot + " · "));
    li.appendChild(badge);
    list.insertBefore(li, list.firstChild);
  }

  function send(position) {
    var c = position.coords;
    form.elements.latitude.value = c.latitude;
    form.elements.longitude.value = c.longitude;
    form.elements.accuracy.value = c.accuracy;
    show(msg.msgSending, "busy");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, error: msg.msgFailed }; });
    }).then(function (data) {
      button.disabled = false;
      if (!data.ok) { show(data.error || msg.msgFailed, "bad"); return; }
      show(data.time + " " + data.text, data.valid ? "ok" : "bad");
      addToList(data);
      var photo = form.elements.photo;
      if (photo) { photo.value = ""; }
    }).catch(function () {
      button.disabled = false;
      show(msg.msgFailed, "bad");
    });
  }

  function failed(error) {
    button.disabled = false;
    if (error.code === 1) { show(msg.msgDenied, "bad"); }
    else if (error.code === 3) { show(msg.msgTimeout, "bad"); }
    else { show(msg.msgUnavailable, "bad"); }
  }

  button.addEventListener("click", function () {
    if (!window.isSecureContext) { show(msg.msgInsecure, "bad"); return; }
    if (!("geolocation" in navigator)) { show(msg.msgUnsupported, "bad"); return; }
    button.disabled = true;
    show(msg.msgLocating, "busy");
    navigator.geolocation.getCurrentPosition(send, failed, {
      enableHighAccuracy: true, timeout: 20000, maximumAge: 0
    });
  });
})();
