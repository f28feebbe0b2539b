/*
 * A chat icon in the navbar, next to the bell: opens the chat page, shows the unread total.
 */
define('ebla-chat:views/navbar/chat', ['view', 'ebla-chat:hub', 'ebla-chat:patches'], function (Dep, Hub, Patches) {

    return class extends Dep {

        templateContent = `
            <a class="ebla-chat-navbar-button notifications-button" href="#Dialog" role="button"
                title="{{translate 'Chat' scope='EblaChat'}}" aria-label="{{translate 'Chat' scope='EblaChat'}}">
                <span class="fas fa-comments icon"></span>
                <span class="badge number-badge ebla-chat-navbar-count hidden"></span>
            </a>
        `

        isAvailable() {
            return this.getAcl().checkScope('Dialog');
        }

        setup() {
            Hub.init(this);
            Patches.apply(this);

            Hub.listen(this, 'unread', () => this.update());
        }

        afterRender() {
            this.update();
        }

        update() {
            if (!this.isRendered()) {
                return;
            }

            const total = Hub.getTotal();
            const $count = this.$el.find('.ebla-chat-navbar-count');

            $count.toggleClass('hidden', !total).text(total > 99 ? '99+' : (total || ''));
            this.$el.find('.ebla-chat-navbar-button').attr('aria-label',
                this.translate('Chat', 'labels', 'EblaChat') + (total ? ': ' + total + ' ' +
                    this.translate('unread', 'labels', 'EblaChat') : ''));
        }
    };
});
