// A little progressive enhancement; every flow also works as a plain form without it.
(function () {
  // Drag and drop onto upload forms.
  document.querySelectorAll('form[data-drop]').forEach(function (form) {
    var input = form.querySelector('input[type=file]');
    if (!input) return;
    ['dragenter', 'dragover'].forEach(function (type) {
      form.addEventListener(type, function (event) { event.preventDefault(); form.classList.add('dragging'); });
    });
    ['dragleave', 'drop'].forEach(function (type) {
      form.addEventListener(type, function () { form.classList.remove('dragging'); });
    });
    form.addEventListener('drop', function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; }
    });
  });
  // 上报, 审核通过, 公开 ask first (without the script, the server shows a confirmation page).
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) { event.preventDefault(); return; }
      if (!form.querySelector('input[name=confirmed]')) {
        var field = document.createElement('input');
        field.type = 'hidden'; field.name = 'confirmed'; field.value = '1';
        form.appendChild(field);
      }
    });
  });
  // Live progress of a batch audit.
  var batch = document.querySelector('[data-batch]');
  if (batch) {
    var id = batch.getAttribute('data-batch');
    var tick = function () {
      fetch('/api/v1/batches/' + id + '?limit=1000', { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (data) {
        var finished = data.done + data.failed;
        var total = document.getElementById('total-progress');
        if (total) { total.max = Math.max(data.total, 1); total.value = finished; }
        var text = document.getElementById('total-text');
        if (text) { text.textContent = finished + '/' + data.total + ' 已完成'; }
        (data.jobs ? data.jobs.items : []).forEach(function (job) {
          var row = batch.querySelector('tr[data-job="' + job.id + '"]');
          if (!row) return;
          var bar = row.querySelector('progress');
          if (bar) bar.value = (job.state === '已完成' || job.state === '失败') ? 1 : (job.state === '审查中' ? 0.5 : 0);
          var state = row.querySelector('.job-state');
          if (state) state.textContent = job.state;
        });
        // When the queue is done, reload once to show every result (the page then no longer polls).
        if (finished < data.total) { setTimeout(tick, 1000); } else { location.reload(); }
      }).catch(function () { setTimeout(tick, 3000); });
    };
    if (Number(batch.getAttribute('data-finished')) < Number(batch.getAttribute('data-total'))) setTimeout(tick, 800);
  }
})();
