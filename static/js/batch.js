// Polls the job's status while it runs; reloads once it is finished to list the downloads.
(function () {
  const box = document.getElementById("batch");
  if (!box || box.dataset.finished === "1") return;
  const tick = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const job = await response.json();
        document.getElementById("batch-status").textContent = job.status_label;
        document.getElementById("batch-count").textContent = job.count_label;
        document.getElementById("batch-bar").style.width = job.percent + "%";
        if (job.finished) { window.location.reload(); return; }
      }
    } catch (e) { /* a dropped request is retried on the next tick */ }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
})();
