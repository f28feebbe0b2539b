/*
 * What the chat adds to EspoCRM's own views, once per page load:
 * - the chat side panel on the detail view of every entity type that can be a dialog's parent
 *   (the parent field's entity list, as the administrator set it), added to the client metadata;
 * - a microphone on the stream post form of every record: the recorded voice message is uploaded
 *   and attached to the post being written.
 */
define('ebla-chat:patches', ['views/stream/panel', 'ebla-chat:voice-recorder', 'ebla-chat:uploader'],
    function (StreamPanel, VoiceRecorder, Uploader) {

    const PANEL = {
        name: 'eblaChat',
        label: 'Chat',
        view: 'ebla-chat:views/record/panels/chat',
        aclScope: 'Dialog',
        notRefreshable: true,
    };

    let applied = false;

    function addSidePanels(view) {
        const metadata = view.getMetadata();
        const entityList = metadata.get(['entityDefs', 'Dialog', 'fields', 'parent', 'entityList']) || [];
        const data = metadata.data;

        if (!data || !data.clientDefs) {
            return;
        }

        entityList.forEach(scope => {
            const defs = data.clientDefs[scope] = data.clientDefs[scope] || {};

            defs.sidePanels = defs.sidePanels || {};

            ['detail', 'detailSmall'].forEach(type => {
                const list = defs.sidePanels[type] = defs.sidePanels[type] || [];

                if (!list.find(item => item && item.name === PANEL.name)) {
                    list.push(Object.assign({}, PANEL));
                }
            });
        });
    }

    function patchStreamPanel() {
        const proto = StreamPanel.prototype;

        if (proto.eblaChatPatched) {
            return;
        }

        proto.eblaChatPatched = true;

        const afterRender = proto.afterRender;

        proto.afterRender = function () {
            afterRender.apply(this, arguments);

            try {
                addMicrophone(this);
            }
            catch (e) {
                console.error(e);
            }
        };
    }

    function addMicrophone(panel) {
        if (!VoiceRecorder.isSupported() || !panel.seed) {
            return;
        }

        const $container = panel.$el.find('.post-container .buttons-panel > div').first();

        if (!$container.length || $container.find('.ebla-chat-stream-mic').length) {
            return;
        }

        const label = panel.translate('Record a voice message', 'labels', 'EblaChat');
        const $button = $('<button type="button" class="btn btn-default btn-icon ebla-chat-stream-mic">')
            .attr('title', label)
            .attr('aria-label', label)
            .append('<span class="fas fa-microphone"></span>');
        const $time = $('<span class="ebla-chat-stream-rec-time hidden" role="status">');

        $container.append($button, $time);

        let recorder = null;

        $button.on('click', () => {
            if (recorder) {
                const current = recorder;

                recorder = null;
                $button.removeClass('recording btn-danger').addClass('btn-default');
                $time.addClass('hidden');

                current.stop()
                    .then(file => {
                        Espo.Ui.notify(panel.translate('Uploading...'));

                        const uploader = new Uploader({
                            chunkSizeMb: panel.getConfig().get('attachmentUploadChunkSize') || 0,
                        });

                        return uploader.upload(file);
                    })
                    .then(attachment => {
                        Espo.Ui.notify(false);

                        const ids = (panel.seed.get('attachmentsIds') || []).slice();
                        const names = Object.assign({}, panel.seed.get('attachmentsNames') || {});
                        const types = Object.assign({}, panel.seed.get('attachmentsTypes') || {});

                        ids.push(attachment.id);
                        names[attachment.id] = attachment.name;
                        types[attachment.id] = attachment.type;

                        panel.seed.set({attachmentsIds: ids, attachmentsNames: names, attachmentsTypes: types});

                        if (!panel.postingMode && panel.enablePostingMode) {
                            panel.enablePostingMode();
                        }
                    })
                    .catch(e => {
                        Espo.Ui.notify(false);

                        if (e && e.message) {
                            Espo.Ui.error(e.message);
                        }
                    });

                return;
            }

            recorder = new VoiceRecorder({
                onTick: seconds => $time.text(VoiceRecorder.formatElapsed(seconds)),
            });

            recorder.start()
                .then(() => {
                    $button.addClass('recording btn-danger').removeClass('btn-default');
                    $time.removeClass('hidden');
                })
                .catch(e => {
                    recorder = null;
                    Espo.Ui.error(panel.translate('microphoneUnavailable', 'messages', 'EblaChat') +
                        (e && e.message ? ' ' + e.message : ''));
                });
        });

        panel.once('remove', () => {
            if (recorder) {
                recorder.cancel();
                recorder = null;
            }
        });
    }

    return {
        apply(view) {
            if (applied) {
                return;
            }

            applied = true;

            addSidePanels(view);
            patchStreamPanel();

            const metadata = view.getMetadata();

            // Metadata is loaded anew after an administrator changes it.
            if (metadata.on) {
                metadata.on('update', () => addSidePanels(view));
            }
        },
    };
});
