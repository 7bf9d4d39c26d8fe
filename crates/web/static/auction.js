// 知运: the lot page's live updates (issue 14). The page works without this file (it refreshes
// itself every 10 s); with it, the Server-Sent Events feed /api/v1/lots/{id}/stream updates the
// price, the leader, the bid history and the server's countdown as bids come in.
(function () {
  "use strict";
  var root = document.getElementById("lot");
  if (!root || !window.EventSource) { return; }
  var id = root.getAttribute("data-lot");
  var countdown = document.getElementById("countdown");
  var left = parseInt(countdown.getAttribute("data-seconds-left"), 10) || 0;
  var syncedAt = Date.now();
  function text(elId, value) {
    var el = document.getElementById(elId);
    if (el) { el.textContent = value; }
  }
  function tick() {
    var s = Math.max(0, left - Math.floor((Date.now() - syncedAt) / 1000));
    var m = Math.floor(s / 60);
    countdown.textContent = (m > 0 ? m + " 分 " : "") + (s % 60) + " 秒";
  }
  setInterval(tick, 500);
  tick();
  var closedOnce = false;
  var es = new EventSource("/api/v1/lots/" + id + "/stream");
  es.addEventListener("lot", function (e) {
    var v = JSON.parse(e.data);
    left = v.seconds_left;
    syncedAt = Date.now();
    tick();
    text("status", statusLabel(v.status));
    text("current", v.current_wan ? v.current_wan + " 万元" : "暂无出价（起拍价 " + v.start_price_wan + " 万元）");
    text("leader", v.leader ? v.leader + (v.you_lead ? "（您）" : "") : "—");
    text("min-next", v.min_next_wan ? v.min_next_wan + " 万元" : "—");
    text("ends-at", v.ends_at);
    text("bid-count", "共 " + v.bid_count + " 次");
    var amount = document.getElementById("amount_wan");
    if (amount && v.min_next_wan && document.activeElement !== amount) { amount.value = v.min_next_wan; }
    var body = document.getElementById("bids");
    if (body) {
      while (body.firstChild) { body.removeChild(body.firstChild); }
      for (var i = v.bids.length - 1; i >= 0; i--) {
        var b = v.bids[i];
        var tr = document.createElement("tr");
        [String(b.seq), b.bidder + (b.mine ? "（您）" : ""), b.amount_wan, b.at].forEach(function (c) {
          var td = document.createElement("td");
          td.textContent = c;
          tr.appendChild(td);
        });
        body.appendChild(tr);
      }
    }
    if ((v.status === "sold" || v.status === "unsold") && !closedOnce) {
      closedOnce = true;
      es.close();
      // The result (winner, deal) is shown by the server's page.
      setTimeout(function () { window.location.reload(); }, 1500);
    }
  });
  function statusLabel(s) {
    return { upcoming: "即将开始", open: "竞价中", sold: "已成交", unsold: "流拍" }[s] || s;
  }
})();
