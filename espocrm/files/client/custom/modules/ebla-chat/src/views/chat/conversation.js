/*
 * One open dialog: the history (newest at the bottom, older pages when scrolling up, day
 * separators, author and time, edited/deleted marks, image previews, voice played inline) and the
 * composer (Enter sends, Shift+Enter a new line, @mentions of members, attachments, voice).
 *
 * Options: dialogId (required), dialog (row, optional), compact (side panel), pageSize.
 * Triggers: 'dialog-loaded' (dialog), 'sent' (message).
 */
define('ebla-chat:views/chat/conversation',
    ['view', 'ebla-chat:hub', 'ebla-chat:voice-recorder', 'ebla-chat:uploader'],
    function (Dep, Hub, VoiceRecorder, Uploader) {

    const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/svg+xml', 'image/avif'];

    return class extends Dep {

        template = 'ebla-chat:chat/conversation'

        data() {
            return {
                dialogId: this.dialogId,
                compact: !!this.options.compact,
                canWrite: this.canWrite,
                voiceSupported: VoiceRecorder.isSupported(),
            };
        }

        setup() {
            Hub.init(this);

            this.dialogId = this.options.dialogId;
            this.dialog = this.options.dialog || null;
            this.pageSize = this.options.pageSize || 30;
            this.canWrite = true;
            this.messages = [];
            this.byId = {};
            this.members = [];
            this.hasOlder = true;
            this.loadingOlder = false;
            this.editingId = null;
            this.pending = [];
            this.recorder = null;
            this.uploader = new Uploader({
                chunkSizeMb: this.getConfig().get('attachmentUploadChunkSize') || 0,
                maxSizeMb: this.getConfig().get('attachmentUploadMaxSize') || 0,
            });
            this.viewKey = this.cid;

            this.addActionHandler('send', () => this.send());
            this.addActionHandler('attach', () => this.$file.click());
            this.addActionHandler('record', () => this.startRecording());
            this.addActionHandler('stopRecording', () => this.stopRecording());
            this.addActionHandler('cancelRecording', () => this.cancelRecording());
            this.addActionHandler('cancelEdit', () => this.cancelEdit());
            this.addActionHandler('editMessage', (e, target) => this.startEdit(target.dataset.id));
            this.addActionHandler('deleteMessage', (e, target) => this.deleteMessage(target.dataset.id));
            this.addActionHandler('removePending', (e, target) => this.removePending(target.dataset.key));

            Hub.listen(this, 'message', data => {
                if (data.dialogId === this.dialogId) {
                    this.fetchNewer();
                }
            });

            Hub.listen(this, 'poll', () => {
                this.fetchNewer();
                this.refreshWindow();
            });

            Hub.listen(this, 'update', data => {
                if (data.dialogId === this.dialogId) {
                    this.onUpdate(data);
                }
            });

            Hub.listen(this, 'resync', () => {
                this.fetchNewer();
                this.refreshWindow();
            });

            Hub.listen(this, 'visible', () => this.readIfVisible());

            Hub.listen(this, 'dialog', data => {
                if (data.dialogId === this.dialogId && data.action !== 'removed') {
                    this.loadMembers().catch(xhr => {
                        if (xhr) {
                            xhr.errorIsHandled = true;
                        }
                    });
                }
            });

            this.once('remove', () => {
                Hub.setActive(this.dialogId, this.viewKey, false);

                if (this.recorder) {
                    this.recorder.cancel();
                }
            });

            this.wait(
                Promise.all([
                    this.loadMembers(),
                    Espo.Ajax.getRequest(this.messagesUrl(), {maxSize: this.pageSize}),
                ]).then(([, result]) => {
                    const list = (result && result.list) || [];

                    this.hasOlder = list.length >= this.pageSize;
                    list.slice().reverse().forEach(m => this.addMessage(m));
                })
            );
        }

        messagesUrl() {
            return 'EblaChat/dialogs/' + encodeURIComponent(this.dialogId) + '/messages';
        }

        loadMembers() {
            return Espo.Ajax.getRequest('EblaChat/dialogs/' + encodeURIComponent(this.dialogId) + '/members')
                .then(result => {
                    this.members = (result && result.list) || [];
                });
        }

        afterRender() {
            this.$history = this.$el.find('.ebla-chat-history');
            this.$messages = this.$el.find('.ebla-chat-messages');
            this.$input = this.$el.find('.ebla-chat-input');
            this.$file = this.$el.find('.ebla-chat-file');
            this.$mentions = this.$el.find('.ebla-chat-mentions');
            this.$pending = this.$el.find('.ebla-chat-pending');

            this.renderAll();
            this.scrollToBottom();

            Hub.setActive(this.dialogId, this.viewKey, true);
            this.readIfVisible();

            this.$history.on('scroll', () => {
                if (this.$history.scrollTop() < 60) {
                    this.loadOlder();
                }
            });

            this.$input.on('keydown', e => this.onKeyDown(e));
            this.$input.on('input', () => {
                this.autoGrow();
                this.updateMentions();
            });
            this.$input.on('blur', () => setTimeout(() => this.hideMentions(), 150));

            this.$file.on('change', () => {
                const files = Array.from(this.$file.get(0).files || []);

                this.$file.val('');
                files.forEach(file => this.addFile(file));
            });

            // Files dropped on the dialog or pasted into the composer are attached as well.
            this.$el.on('dragover', e => e.preventDefault());
            this.$el.on('drop', e => {
                const dt = e.originalEvent && e.originalEvent.dataTransfer;

                if (dt && dt.files && dt.files.length) {
                    e.preventDefault();
                    Array.from(dt.files).forEach(file => this.addFile(file));
                }
            });
            this.$input.on('paste', e => {
                const cd = e.originalEvent && e.originalEvent.clipboardData;
                const files = cd && cd.files ? Array.from(cd.files) : [];

                if (files.length) {
                    e.preventDefault();
                    files.forEach(file => this.addFile(file));
                }
            });

            if (!this.options.compact && !this.options.noFocus) {
                this.$input.focus();
            }
        }

        focus() {
            if (this.$input) {
                this.$input.focus();
            }
        }

        // ------------------------------------------------------------ history

        addMessage(m) {
            if (this.byId[m.id]) {
                Object.assign(this.byId[m.id], m);

                return false;
            }

            this.byId[m.id] = m;
            this.messages.push(m);
            this.messages.sort((a, b) => a.number - b.number);

            return true;
        }

        maxNumber() {
            return this.messages.length ? this.messages[this.messages.length - 1].number : 0;
        }

        minNumber() {
            return this.messages.length ? this.messages[0].number : 0;
        }

        renderAll() {
            if (!this.$messages) {
                return;
            }

            const $messages = this.$messages.empty();
            let lastDay = null;
            let lastAuthor = null;
            let lastTime = 0;

            this.messages.forEach(m => {
                const moment = this.getDateTime().toMoment(m.createdAt);
                const day = moment.format('YYYY-MM-DD');

                if (day !== lastDay) {
                    $messages.append(this.buildDaySeparator(moment));
                    lastDay = day;
                    lastAuthor = null;
                }

                const time = moment.valueOf();
                const grouped = lastAuthor === m.authorId && time - lastTime < 5 * 60 * 1000;

                $messages.append(this.buildMessage(m, moment, grouped));

                lastAuthor = m.authorId;
                lastTime = time;
            });

            this.$el.find('.ebla-chat-empty').toggleClass('hidden', this.messages.length > 0);
        }

        buildDaySeparator(moment) {
            const today = this.getDateTime().getNowMoment().format('YYYY-MM-DD');
            const yesterday = this.getDateTime().getNowMoment().subtract(1, 'days').format('YYYY-MM-DD');
            const day = moment.format('YYYY-MM-DD');
            let label = moment.format(this.getDateTime().getReadableDateFormat());

            if (day === today) {
                label = this.translate('Today');
            }
            else if (day === yesterday) {
                label = this.translate('Yesterday');
            }

            return $('<div class="ebla-chat-day" role="separator">').append($('<span>').text(label));
        }

        buildMessage(m, moment, grouped) {
            const own = m.authorId === this.getUser().id;
            const $m = $('<div class="ebla-chat-message">')
                .attr('data-id', m.id)
                .attr('data-number', m.number)
                .toggleClass('own', own)
                .toggleClass('grouped', !!grouped)
                .toggleClass('deleted', !!m.deleted)
                .toggleClass('mentioned', (m.mentions || []).includes(this.getUser().id));

            const $head = $('<div class="ebla-chat-message-head">');

            $head.append($('<span class="ebla-chat-author">').text(m.authorName || ''));
            $head.append(
                $('<time class="ebla-chat-time">')
                    .attr('datetime', m.createdAt + 'Z')
                    .attr('title', this.getDateTime().toDisplay(m.createdAt))
                    .text(moment.format(this.getDateTime().getTimeFormat()))
            );

            $m.append($head);

            const $body = $('<div class="ebla-chat-body">');

            if (m.deleted) {
                $body.append($('<em class="text-muted">').text(this.translate('Message deleted', 'labels', 'EblaChat')));
                $m.append($body);

                return $m;
            }

            if (m.text) {
                $body.append(this.formatText(m.text));
            }

            (m.attachments || []).forEach(a => $body.append(this.buildAttachment(a, m.voice)));

            if (m.edited) {
                $body.append($('<span class="ebla-chat-edited text-muted">')
                    .attr('title', m.modifiedAt ? this.getDateTime().toDisplay(m.modifiedAt) : '')
                    .text(this.translate('edited', 'labels', 'EblaChat')));
            }

            $m.append($body);

            if (own) {
                const $actions = $('<div class="ebla-chat-actions">');

                if (!m.voice) {
                    $actions.append(
                        $('<a role="button" tabindex="0" data-action="editMessage">')
                            .attr('data-id', m.id)
                            .attr('title', this.translate('Edit'))
                            .attr('aria-label', this.translate('Edit'))
                            .append('<span class="fas fa-pencil-alt"></span>')
                    );
                }

                $actions.append(
                    $('<a role="button" tabindex="0" data-action="deleteMessage">')
                        .attr('data-id', m.id)
                        .attr('title', this.translate('Remove'))
                        .attr('aria-label', this.translate('Remove'))
                        .append('<span class="fas fa-trash-alt"></span>')
                );

                $m.append($actions);
            }

            return $m;
        }

        /**
         * Text as escaped HTML: line breaks kept, links clickable, @mentions of members marked.
         */
        formatText(text) {
            const $t = $('<div class="ebla-chat-text">');
            const userNames = {};

            this.members.forEach(u => {
                if (u.userName) {
                    userNames[u.userName.toLowerCase()] = u;
                }
            });

            const pattern = /(https?:\/\/[^\s<]+)|(@[A-Za-z0-9_.\-@]+)/g;
            let last = 0;
            let match;

            const appendText = s => {
                s.split('\n').forEach((line, i) => {
                    if (i > 0) {
                        $t.append('<br>');
                    }

                    $t.append(document.createTextNode(line));
                });
            };

            while ((match = pattern.exec(text)) !== null) {
                appendText(text.substring(last, match.index));

                if (match[1]) {
                    $t.append($('<a target="_blank" rel="noopener noreferrer">').attr('href', match[1]).text(match[1]));
                }
                else {
                    let token = match[2];
                    let trail = '';

                    while (token.length > 1 && /[.\-@]$/.test(token)) {
                        trail = token.slice(-1) + trail;
                        token = token.slice(0, -1);
                    }

                    const user = userNames[token.substring(1).toLowerCase()];

                    if (user) {
                        $t.append($('<span class="ebla-chat-mention">')
                            .toggleClass('me', user.id === this.getUser().id)
                            .attr('title', user.name || '')
                            .text(token));
                    }
                    else {
                        appendText(token);
                    }

                    appendText(trail);
                }

                last = pattern.lastIndex;
            }

            appendText(text.substring(last));

            return $t;
        }

        buildAttachment(a, voice) {
            const type = (a.type || '').split(';')[0];

            if (voice || type.indexOf('audio/') === 0) {
                const $wrap = $('<div class="ebla-chat-audio">').toggleClass('ebla-chat-voice', !!voice);

                if (voice) {
                    $wrap.append($('<span class="fas fa-microphone text-muted">'));
                }

                $wrap.append(
                    $('<audio controls preload="metadata">')
                        .attr('src', Hub.fileUrl(a.id, 'download'))
                        .attr('aria-label', voice ? this.translate('Voice message', 'labels', 'EblaChat') : a.name)
                );

                if (!voice) {
                    $wrap.append($('<a target="_blank">').attr('href', Hub.fileUrl(a.id, 'download')).text(a.name));
                }

                return $wrap;
            }

            if (IMAGE_TYPES.includes(type)) {
                return $('<a class="ebla-chat-image" target="_blank">')
                    .attr('href', Hub.fileUrl(a.id, 'image'))
                    .attr('title', a.name)
                    .append($('<img loading="lazy">')
                        .attr('src', Hub.fileUrl(a.id, 'image', 'medium'))
                        .attr('alt', a.name));
            }

            return $('<div class="ebla-chat-file-link">')
                .append('<span class="fas fa-paperclip text-muted"></span> ')
                .append($('<a target="_blank">').attr('href', Hub.fileUrl(a.id, 'download')).text(a.name))
                .append($('<span class="text-muted small">').text(' ' + this.formatSize(a.size)));
        }

        formatSize(size) {
            if (!size) {
                return '';
            }

            if (size < 1024) {
                return size + ' B';
            }

            if (size < 1024 * 1024) {
                return Math.round(size / 1024) + ' KB';
            }

            return (size / 1024 / 1024).toFixed(1) + ' MB';
        }

        isNearBottom() {
            if (!this.$history || !this.$history.length) {
                return true;
            }

            const el = this.$history.get(0);

            return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }

        scrollToBottom() {
            if (!this.$history || !this.$history.length) {
                return;
            }

            const el = this.$history.get(0);

            el.scrollTop = el.scrollHeight;

            // Images and audio players change the height once loaded.
            this.$history.find('img').one('load', () => {
                if (this.stickToBottom) {
                    el.scrollTop = el.scrollHeight;
                }
            });

            this.stickToBottom = true;
            setTimeout(() => {
                this.stickToBottom = false;
            }, 1500);
        }

        fetchNewer() {
            if (this.fetchingNewer) {
                this.fetchAgain = true;

                return;
            }

            this.fetchingNewer = true;

            const after = this.maxNumber();
            const params = {maxSize: 200};

            if (after) {
                params.after = after;
            }

            Espo.Ajax.getRequest(this.messagesUrl(), params)
                .then(result => {
                    const list = ((result && result.list) || []).slice().reverse();
                    const atBottom = this.isNearBottom();
                    let added = 0;

                    list.forEach(m => {
                        if (this.addMessage(m)) {
                            added++;
                        }
                    });

                    if (added) {
                        this.renderAll();

                        if (atBottom || list.some(m => m.authorId === this.getUser().id)) {
                            this.scrollToBottom();
                        }

                        this.readIfVisible();
                    }
                })
                .catch(xhr => this.handleError(xhr))
                .then(() => {
                    this.fetchingNewer = false;

                    if (this.fetchAgain) {
                        this.fetchAgain = false;
                        this.fetchNewer();
                    }
                });
        }

        loadOlder() {
            if (!this.hasOlder || this.loadingOlder || !this.messages.length) {
                return;
            }

            this.loadingOlder = true;
            this.$el.find('.ebla-chat-older').removeClass('hidden');

            Espo.Ajax.getRequest(this.messagesUrl(), {before: this.minNumber(), maxSize: this.pageSize})
                .then(result => {
                    const list = (result && result.list) || [];
                    const el = this.$history.get(0);
                    const fromBottom = el.scrollHeight - el.scrollTop;

                    this.hasOlder = list.length >= this.pageSize;
                    list.forEach(m => this.addMessage(m));
                    this.renderAll();

                    el.scrollTop = el.scrollHeight - fromBottom;
                })
                .catch(xhr => this.handleError(xhr))
                .then(() => {
                    this.loadingOlder = false;
                    this.$el.find('.ebla-chat-older').addClass('hidden');
                });
        }

        /**
         * Reloads the messages on screen (after an edit or delete event, or a reconnect): what is
         * no longer listed was deleted.
         */
        refreshWindow() {
            if (!this.messages.length) {
                return Promise.resolve();
            }

            const minNumber = this.minNumber();
            const maxNumber = this.maxNumber();
            const size = Math.min(200, Math.max(this.pageSize, this.messages.filter(m => !m.deleted).length + 5));

            return Espo.Ajax.getRequest(this.messagesUrl(), {before: maxNumber + 1, maxSize: size})
                .then(result => {
                    const list = (result && result.list) || [];
                    const seen = {};

                    list.forEach(m => {
                        seen[m.id] = true;
                        this.addMessage(m);
                    });

                    const oldest = list.length ? list[list.length - 1].number : maxNumber + 1;

                    this.messages.forEach(m => {
                        if (!seen[m.id] && m.number >= oldest && m.number >= minNumber && m.number <= maxNumber) {
                            m.deleted = true;
                        }
                    });

                    const atBottom = this.isNearBottom();

                    this.renderAll();

                    if (atBottom) {
                        this.scrollToBottom();
                    }
                })
                .catch(xhr => this.handleError(xhr));
        }

        onUpdate(data) {
            if (data.action === 'delete' && data.messageId && this.byId[data.messageId]) {
                this.byId[data.messageId].deleted = true;
                this.renderAll();

                return;
            }

            this.refreshWindow();
        }

        readIfVisible() {
            if (!this.messages.length || !Hub.isActive(this.dialogId)) {
                return;
            }

            const number = this.maxNumber();

            if (this.readNumber && this.readNumber >= number && !Hub.getDialogUnread(this.dialogId)) {
                return;
            }

            this.readNumber = number;

            Hub.markRead(this.dialogId, number).catch(xhr => this.handleError(xhr));
        }

        handleError(xhr) {
            if (xhr && xhr.status === 403 && this.options.compact) {
                xhr.errorIsHandled = true;
            }
        }

        // ------------------------------------------------------------ composer

        onKeyDown(e) {
            if (this.$mentions.hasClass('open-list')) {
                if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                    e.preventDefault();
                    this.moveMention(e.key === 'ArrowDown' ? 1 : -1);

                    return;
                }

                if (e.key === 'Enter' || e.key === 'Tab') {
                    e.preventDefault();
                    this.chooseMention();

                    return;
                }

                if (e.key === 'Escape') {
                    e.preventDefault();
                    this.hideMentions();

                    return;
                }
            }

            if (e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && !e.isComposing) {
                e.preventDefault();
                this.send();

                return;
            }

            if (e.key === 'Escape' && this.editingId) {
                e.preventDefault();
                this.cancelEdit();

                return;
            }

            if (e.key === 'ArrowUp' && !this.$input.val() && !this.editingId) {
                const last = this.messages.slice().reverse()
                    .find(m => m.authorId === this.getUser().id && !m.deleted && !m.voice);

                if (last) {
                    e.preventDefault();
                    this.startEdit(last.id);
                }
            }
        }

        autoGrow() {
            const el = this.$input.get(0);

            el.style.height = 'auto';
            el.style.height = Math.min(el.scrollHeight, 200) + 'px';
        }

        mentionQuery() {
            const el = this.$input.get(0);
            const before = el.value.substring(0, el.selectionStart);
            const match = /(^|\s)@([A-Za-z0-9_.\-]*)$/.exec(before);

            return match ? match[2] : null;
        }

        updateMentions() {
            const query = this.mentionQuery();

            if (query === null) {
                this.hideMentions();

                return;
            }

            const q = query.toLowerCase();
            const list = this.members
                .filter(u => u.id !== this.getUser().id && u.userName)
                .filter(u => !q || u.userName.toLowerCase().indexOf(q) === 0 ||
                    (u.name || '').toLowerCase().split(/\s+/).some(w => w.indexOf(q) === 0))
                .slice(0, 8);

            if (!list.length) {
                this.hideMentions();

                return;
            }

            this.$mentions.empty();

            list.forEach((u, i) => {
                this.$mentions.append(
                    $('<li role="option">')
                        .toggleClass('active', i === 0)
                        .attr('data-user-name', u.userName)
                        .append($('<a role="button">')
                            .append($('<span>').text(u.name || u.userName))
                            .append($('<span class="text-muted">').text(' @' + u.userName)))
                        .on('mousedown', ev => {
                            ev.preventDefault();
                            this.chooseMention(u.userName);
                        })
                );
            });

            this.$mentions.addClass('open-list').show();
        }

        moveMention(step) {
            const $items = this.$mentions.children('li');
            let index = $items.index($items.filter('.active'));

            index = (index + step + $items.length) % $items.length;
            $items.removeClass('active').eq(index).addClass('active');
        }

        chooseMention(userName) {
            userName = userName || this.$mentions.children('li.active').attr('data-user-name');

            if (!userName) {
                return;
            }

            const el = this.$input.get(0);
            const before = el.value.substring(0, el.selectionStart);
            const after = el.value.substring(el.selectionStart);
            const replaced = before.replace(/@([A-Za-z0-9_.\-]*)$/, '@' + userName + ' ');

            el.value = replaced + after;
            el.selectionStart = el.selectionEnd = replaced.length;

            this.hideMentions();
            this.$input.focus();
        }

        hideMentions() {
            if (this.$mentions) {
                this.$mentions.removeClass('open-list').hide().empty();
            }
        }

        addFile(file) {
            const key = 'p' + Math.random().toString(36).slice(2);
            const item = {key: key, file: file, progress: 0, attachment: null, error: null};

            this.pending.push(item);

            item.promise = this.uploader.upload(file, p => {
                item.progress = p;
                this.renderPending();
            })
                .then(attachment => {
                    item.attachment = attachment;
                    this.renderPending();

                    return attachment;
                })
                .catch(e => {
                    item.error = (e && e.message) || this.translate('Error');
                    this.renderPending();

                    return null;
                });

            this.renderPending();
        }

        removePending(key) {
            this.pending = this.pending.filter(p => p.key !== key);
            this.renderPending();
        }

        renderPending() {
            this.$pending.empty();

            this.pending.forEach(p => {
                const percent = Math.round(p.progress * 100);
                const $chip = $('<div class="ebla-chat-chip">')
                    .attr('data-key', p.key)
                    .toggleClass('done', !!p.attachment)
                    .toggleClass('failed', !!p.error);

                $chip.append($('<span class="fas fa-paperclip">'));
                $chip.append($('<span class="ebla-chat-chip-name">').text(p.file.name));

                if (p.error) {
                    $chip.append($('<span class="text-danger">').text(' ' + p.error));
                }
                else if (!p.attachment) {
                    $chip.append(
                        $('<span class="ebla-chat-progress" role="progressbar" aria-valuemin="0" aria-valuemax="100">')
                            .attr('aria-valuenow', percent)
                            .append($('<span>').css('width', percent + '%'))
                    );
                }

                $chip.append(
                    $('<a role="button" tabindex="0" data-action="removePending">')
                        .attr('data-key', p.key)
                        .attr('aria-label', this.translate('Remove'))
                        .html('&times;')
                );

                this.$pending.append($chip);
            });
        }

        send() {
            if (this.sending) {
                return;
            }

            const text = (this.$input.val() || '').replace(/\s+$/, '');

            if (this.editingId) {
                this.saveEdit(text);

                return;
            }

            if (!text.trim() && !this.pending.length) {
                return;
            }

            this.sending = true;
            this.$el.find('.ebla-chat-send').prop('disabled', true);

            Promise.all(this.pending.map(p => p.promise))
                .then(attachments => {
                    const ids = attachments.filter(a => a).map(a => a.id);

                    if (!text.trim() && !ids.length) {
                        return null;
                    }

                    return this.postMessage(text, ids, false);
                })
                .then(message => {
                    if (message) {
                        this.$input.val('');
                        this.autoGrow();
                        this.pending = [];
                        this.renderPending();
                    }
                })
                .catch(() => {})
                .then(() => {
                    this.sending = false;
                    this.$el.find('.ebla-chat-send').prop('disabled', false);
                    this.$input.focus();
                });
        }

        postMessage(text, attachmentIds, voice) {
            const body = {text: text};

            if (attachmentIds.length) {
                body.attachmentsIds = attachmentIds;
            }

            if (voice) {
                body.voice = true;
            }

            return Espo.Ajax.postRequest(this.messagesUrl(), body).then(message => {
                if (message && message.id && this.addMessage(message)) {
                    this.renderAll();
                    this.scrollToBottom();
                }

                this.readNumber = message ? message.number : this.readNumber;
                this.trigger('sent', message);

                return message;
            });
        }

        startEdit(id) {
            const m = this.byId[id];

            if (!m || m.authorId !== this.getUser().id) {
                return;
            }

            this.editingId = id;
            this.$el.find('.ebla-chat-editing').removeClass('hidden');
            this.$el.find('.ebla-chat-message').removeClass('being-edited');
            this.$el.find('.ebla-chat-message[data-id="' + id + '"]').addClass('being-edited');
            this.$input.val(m.text || '');
            this.autoGrow();
            this.$input.focus();
        }

        cancelEdit() {
            this.editingId = null;
            this.$el.find('.ebla-chat-editing').addClass('hidden');
            this.$el.find('.ebla-chat-message').removeClass('being-edited');
            this.$input.val('');
            this.autoGrow();
        }

        saveEdit(text) {
            const id = this.editingId;
            const m = this.byId[id];

            if (!m) {
                this.cancelEdit();

                return;
            }

            if (text === m.text) {
                this.cancelEdit();

                return;
            }

            this.sending = true;

            Espo.Ajax.putRequest('EblaChat/messages/' + encodeURIComponent(id), {text: text})
                .then(updated => {
                    Object.assign(m, updated || {text: text, edited: true});
                    this.cancelEdit();
                    this.renderAll();
                })
                .catch(() => {})
                .then(() => {
                    this.sending = false;
                });
        }

        deleteMessage(id) {
            const m = this.byId[id];

            if (!m) {
                return;
            }

            this.confirm({
                message: this.translate('confirmDeleteMessage', 'messages', 'EblaChat'),
                confirmText: this.translate('Remove'),
                confirmStyle: 'danger',
            }).then(() => {
                return Espo.Ajax.deleteRequest('EblaChat/messages/' + encodeURIComponent(id)).then(() => {
                    m.deleted = true;
                    this.renderAll();
                });
            });
        }

        // ------------------------------------------------------------ voice

        startRecording() {
            if (this.recorder) {
                return;
            }

            const recorder = new VoiceRecorder({
                onTick: seconds => this.$el.find('.ebla-chat-rec-time').text(VoiceRecorder.formatElapsed(seconds)),
            });

            recorder.onLimit = () => this.stopRecording();

            this.recorder = recorder;

            recorder.start()
                .then(() => {
                    this.$el.find('.ebla-chat-recording').removeClass('hidden');
                    this.$el.find('.ebla-chat-input-row').addClass('hidden');
                    this.$el.find('[data-action="stopRecording"]').focus();
                })
                .catch(e => {
                    this.recorder = null;
                    Espo.Ui.error(this.translate('microphoneUnavailable', 'messages', 'EblaChat') +
                        (e && e.message ? ' ' + e.message : ''));
                });
        }

        endRecordingUi() {
            this.$el.find('.ebla-chat-recording').addClass('hidden');
            this.$el.find('.ebla-chat-input-row').removeClass('hidden');
            this.$el.find('.ebla-chat-rec-time').text('0:00');
        }

        cancelRecording() {
            if (this.recorder) {
                this.recorder.cancel();
                this.recorder = null;
            }

            this.endRecordingUi();
            this.$input.focus();
        }

        stopRecording() {
            const recorder = this.recorder;

            if (!recorder) {
                return;
            }

            this.recorder = null;
            this.endRecordingUi();

            Espo.Ui.notify(this.translate('Sending voice message', 'labels', 'EblaChat'));

            recorder.stop()
                .then(file => this.uploader.upload(file))
                .then(attachment => this.postMessage('', [attachment.id], true))
                .then(() => Espo.Ui.notify(false))
                .catch(e => {
                    Espo.Ui.notify(false);

                    if (e && e.message) {
                        Espo.Ui.error(e.message);
                    }
                })
                .then(() => this.$input.focus());
        }
    };
});
