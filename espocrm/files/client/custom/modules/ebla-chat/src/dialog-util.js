/*
 * Small helpers shared by the chat views.
 */
define('ebla-chat:dialog-util', [], function () {

    return {

        /**
         * One line for a dialog row or a popup: the text, or what the message carries.
         *
         * @param {module:view} view
         * @param {Object|null} message
         * @return {string}
         */
        preview(view, message) {
            if (!message) {
                return view.translate('No messages yet', 'labels', 'EblaChat');
            }

            let text = (message.text || '').replace(/\s+/g, ' ').trim();

            if (!text && message.voice) {
                text = view.translate('Voice message', 'labels', 'EblaChat');
            }
            else if (!text && (message.attachments || []).length) {
                text = message.attachments.map(a => a.name).join(', ');
            }

            if (message.authorId === view.getUser().id) {
                text = view.translate('You', 'labels', 'EblaChat') + ': ' + text;
            }
            else if (message.authorName && message.dialogType === 'group') {
                text = message.authorName + ': ' + text;
            }

            return text.length > 120 ? text.substring(0, 119) + '\u2026' : text;
        },

        /**
         * The time for today, the date otherwise.
         */
        shortTime(view, utc) {
            const dt = view.getDateTime();
            const moment = dt.toMoment(utc);
            const now = dt.getNowMoment();

            if (moment.format('YYYY-MM-DD') === now.format('YYYY-MM-DD')) {
                return moment.format(dt.getTimeFormat());
            }

            if (moment.year() === now.year()) {
                return moment.format(dt.getReadableShortDateFormat ? dt.getReadableShortDateFormat() : 'MMM D');
            }

            return moment.format(dt.getDateFormat());
        },

        /**
         * Enter and Space on elements with role="button" and a data-action act as a click.
         */
        enableKeyboardButtons($el) {
            $el.on('keydown', '[role="button"][data-action], [role="option"][data-action]', e => {
                if (e.key === 'Enter' || e.key === ' ') {
                    if ($(e.target).is('textarea, input')) {
                        return;
                    }

                    e.preventDefault();
                    e.currentTarget.click();
                }
            });
        },
    };
});
