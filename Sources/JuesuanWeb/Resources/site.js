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
      // A step that takes a moment says so, and cannot be sent twice.
      if (form.getAttribute('data-busy')) {
        var button = form.querySelector('button');
        if (button) { button.disabled = true; button.textContent = form.getAttribute('data-busy'); }
      }
      if (!form.querySelector('input[name=confirmed]')) {
        var field = document.createElement('input');
        field.type = 'hidden'; field.name = 'confirmed'; field.value = '1';
        form.appendChild(field);
      }
    });
  });
  // A button that removes something asks first.
  document.querySelectorAll('button[data-confirm]').forEach(function (button) {
    button.addEventListener('click', function (event) {
      if (!window.confirm(button.getAttribute('data-confirm'))) { event.preventDefault(); }
    });
  });
  // 绩效自评: a block copied from a spreadsheet (tab-separated) pastes into the indicator or goal rows from the
  // cell it is pasted into, rows added as needed (named i|N|列 like the others; the server reads them all).
  document.querySelectorAll('table.indicators, table.goals').forEach(function (table) {
    var rows = table.tBodies[0];
    table.addEventListener('paste', function (event) {
      var input = event.target;
      if (input.tagName !== 'INPUT' && input.tagName !== 'TEXTAREA') return;
      var text = (event.clipboardData || window.clipboardData).getData('text');
      if (text.indexOf('\t') < 0 && text.indexOf('\n') < 0) return;
      event.preventDefault();
      var lines = text.replace(/\r/g, '').replace(/\n+$/, '').split('\n').map(function (line) { return line.split('\t'); });
      var td = input.parentNode, start = td.parentNode.sectionRowIndex, column = td.cellIndex;
      lines.forEach(function (cells, i) {
        var index = start + i;
        while (index >= rows.rows.length) {
          var last = rows.rows[rows.rows.length - 1], copy = last.cloneNode(true), number = rows.rows.length;
          copy.cells[0].textContent = String(number + 1);
          copy.querySelectorAll('input, textarea').forEach(function (field) {
            field.value = '';
            field.name = field.name.replace(/^([gi])\|\d+\|/, '$1|' + number + '|');
            if (field.getAttribute('aria-label')) field.setAttribute('aria-label', field.getAttribute('aria-label').replace(/\d+ ·/, (number + 1) + ' ·'));
          });
          if (copy.cells.length > 1 && copy.cells[copy.cells.length - 1].querySelector('small')) copy.cells[copy.cells.length - 1].textContent = '';
          rows.appendChild(copy);
        }
        cells.forEach(function (value, j) {
          var cell = rows.rows[index].cells[column + j];
          var field = cell && cell.querySelector('input, textarea');
          if (field) field.value = value.trim();
        });
      });
    });
  });
  // 网页填报: move like a spreadsheet, paste blocks copied from Excel or WPS, save every change as it is
  // made (the server keeps the draft; a closed tab loses nothing), totals and marks as the server computes them.
  var editor = document.querySelector('form[data-editor]');
  if (editor) {
    var grid = editor.querySelector('table.grid');
    var body = grid.tBodies[0];
    var status = document.getElementById('editor-status');
    var csrf = editor.querySelector('input[name=_csrf]').value;
    var revisionField = editor.querySelector('input[name=revision]');
    var table = Number(editor.getAttribute('data-table'));
    var pending = {}, timer = null, saving = false, last = null;
    var say = function (text) { if (status) status.textContent = text; };
    var position = function (input) { var td = input.parentNode; return { row: td.parentNode.sectionRowIndex, col: td.cellIndex }; };
    var inputAt = function (r, c) { var row = body.rows[r]; var td = row && row.cells[c]; return td ? td.querySelector('input') : null; };
    var focus = function (input) { if (input) { input.focus(); input.select(); return true; } return false; };
    var vertical = function (input, step) {
      var p = position(input);
      for (var r = p.row + step; r >= 0 && r < body.rows.length; r += step) { if (focus(inputAt(r, p.col))) return; }
    };
    var horizontal = function (input, step) {
      var p = position(input), cells = body.rows[p.row].cells;
      for (var c = p.col + step; c >= 0 && c < cells.length; c += step) { if (focus(inputAt(p.row, c))) return; }
    };
    var queue = function (input) { pending[input.name] = input.value; clearTimeout(timer); timer = setTimeout(flush, 400); };
    var apply = function (data) {
      revisionField.value = data.revision;
      editor.setAttribute('data-revision', data.revision);
      data.computed.forEach(function (cell) {
        var td = body.querySelector('td[data-name="' + cell.name + '"]');
        if (td) td.textContent = cell.value;
      });
      Array.prototype.forEach.call(body.querySelectorAll('td.error, td.warning'), function (td) {
        td.classList.remove('error', 'warning'); td.removeAttribute('title');
      });
      data.marks.forEach(function (mark) {
        var input = body.querySelector('input[name="' + mark.name + '"]');
        var td = input ? input.parentNode : body.querySelector('td[data-name="' + mark.name + '"]');
        if (td) { td.classList.add(mark.severity); td.title = mark.title; }
      });
      Array.prototype.forEach.call(body.querySelectorAll('input[aria-invalid]'), function (input) {
        input.removeAttribute('aria-invalid'); input.removeAttribute('title');
      });
      data.problems.forEach(function (problem) {
        var input = body.querySelector('input[name="' + problem.name + '"]');
        if (input) { input.setAttribute('aria-invalid', 'true'); input.title = problem.reason; }
      });
      say(data.status + '。错误 ' + data.errors + ' 个，警告 ' + data.warnings + ' 个。'
        + (data.problems.length ? ' ' + data.problems.length + ' 格没有保存：' + data.problems[0].reason : ''));
    };
    var flush = function () {
      if (saving) { clearTimeout(timer); timer = setTimeout(flush, 300); return; }
      var names = Object.keys(pending);
      if (!names.length) return;
      var sent = pending;
      pending = {};
      saving = true;
      editor.setAttribute('data-saving', '1');
      say('正在保存……');
      var edits = names.map(function (name) { var part = name.split('|'); return { table: table, row: part[1], column: Number(part[2]), value: sent[name] }; });
      fetch(editor.getAttribute('data-json'), {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ revision: Number(revisionField.value), table: table, edits: edits })
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        saving = false;
        editor.removeAttribute('data-saving');
        if (result.ok) { apply(result.data); } else { say((result.data && result.data.detail) || '没有保存。'); }
      }).catch(function () {
        saving = false;
        editor.removeAttribute('data-saving');
        Object.keys(sent).forEach(function (name) { if (!(name in pending)) pending[name] = sent[name]; });
        say('连接中断：改动还在页面上，恢复后自动再保存。');
        clearTimeout(timer); timer = setTimeout(flush, 3000);
      });
    };
    var undo = document.createElement('button');
    undo.type = 'button'; undo.textContent = '撤销上一次修改'; undo.disabled = true; undo.className = 'link';
    if (status) status.parentNode.insertBefore(undo, status.nextSibling);
    undo.addEventListener('click', function () {
      if (!last) return;
      last.input.value = last.before; queue(last.input); focus(last.input); last = null; undo.disabled = true;
    });
    body.addEventListener('focusin', function (event) { if (event.target.tagName === 'INPUT') event.target.setAttribute('data-before', event.target.value); });
    body.addEventListener('change', function (event) {
      var input = event.target;
      if (input.tagName !== 'INPUT') return;
      last = { input: input, before: input.getAttribute('data-before') || '' }; undo.disabled = false;
      input.setAttribute('data-before', input.value);
      queue(input);
    });
    body.addEventListener('keydown', function (event) {
      var input = event.target;
      if (input.tagName !== 'INPUT') return;
      if (event.key === 'ArrowDown' || event.key === 'Enter') { event.preventDefault(); vertical(input, 1); }
      else if (event.key === 'ArrowUp') { event.preventDefault(); vertical(input, -1); }
      else if (event.key === 'ArrowRight' && input.selectionStart === input.value.length) { event.preventDefault(); horizontal(input, 1); }
      else if (event.key === 'ArrowLeft' && input.selectionEnd === 0) { event.preventDefault(); horizontal(input, -1); }
    });
    body.addEventListener('paste', function (event) {
      var input = event.target;
      if (input.tagName !== 'INPUT') return;
      var text = (event.clipboardData || window.clipboardData).getData('text');
      if (text.indexOf('\t') < 0 && text.indexOf('\n') < 0) return;
      event.preventDefault();
      var lines = text.replace(/\r/g, '').replace(/\n+$/, '').split('\n').map(function (line) { return line.split('\t'); });
      var p = position(input), width = body.rows[p.row].cells.length - p.col, height = body.rows.length - p.row;
      var widest = Math.max.apply(null, lines.map(function (line) { return line.length; }));
      if (widest > width || lines.length > height) {
        say('粘贴的块有 ' + lines.length + ' 行 ' + widest + ' 列，超出本表从这一格起的 ' + height + ' 行 ' + width + ' 列：没有粘贴。');
        return;
      }
      lines.forEach(function (cells, i) {
        cells.forEach(function (value, j) {
          var target = inputAt(p.row + i, p.col + j);
          if (target) { target.value = value.trim(); queue(target); }
        });
      });
      clearTimeout(timer); flush();
    });
    editor.addEventListener('submit', function () { clearTimeout(timer); });
  }
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
