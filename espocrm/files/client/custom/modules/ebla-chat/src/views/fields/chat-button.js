/*
 * Field type eblaChatButton: on a record's detail view, a button that opens (or reuses) the direct
 * dialog with the record's assigned user, linked to the record, after a confirmation.
 */
define('ebla-chat:views/fields/chat-button', ['views/fields/base'], function (Dep) {

    return class extends Dep {

        detailTemplateContent = `
            {{#if available}}
            <button type="button" class="btn btn-default btn-sm ebla-chat-button" data-action="eblaChatOpen"
                {{#if disabled}}disabled{{/if}}>
                <span class="fas fa-comments"></span>
                {{label}}
            </button>
            {{else}}
            <span class="text-muted">{{none}}</span>
            {{/if}}
        `

        listTemplateContent = `
            {{#if available}}
            <a role="button" tabindex="0" class="ebla-chat-button" data-action="eblaChatOpen"
                title="{{label}}" aria-label="{{label}}"><span class="fas fa-comments"></span></a>
            {{/if}}
        `

        editTemplateContent = `<span class="text-muted">{{label}}</span>`

        data() {
            const assignedUserId = this.model.get('assignedUserId');
            const assignedUserName = this.model.get('assignedUserName') || '';
            const self = assignedUserId === this.getUser().id;

            return {
                ...super.data(),
                available: !!assignedUserId && this.getAcl().checkScope('Dialog'),
                disabled: self,
                label: self ?
                    this.translate('You are assigned', 'labels', 'EblaChat') :
                    this.translate('Chat with', 'labels', 'EblaChat') + ' ' + assignedUserName,
                none: this.translate('No assigned user', 'labels', 'EblaChat'),
            };
        }

        setup() {
            super.setup();

            this.addActionHandler('eblaChatOpen', () => this.openChat());
            this.listenTo(this.model, 'change:assignedUserId', () => {
                if (this.isRendered()) {
                    this.reRender();
                }
            });
        }

        openChat() {
            const name = this.model.get('assignedUserName') || '';
            const message = this.translate('confirmChatButton', 'messages', 'EblaChat')
                .replace('{name}', name)
                .replace('{record}', this.model.get('name') || '');

            this.confirm({
                message: message,
                confirmText: this.translate('Open chat', 'labels', 'EblaChat'),
                confirmStyle: 'primary',
            }).then(() => {
                return Espo.Ajax.postRequest('EblaChat/button', {
                    entityType: this.model.entityType || this.model.name,
                    id: this.model.id,
                }).then(dialog => {
                    this.getRouter().navigate('#Dialog/view/' + dialog.id, {trigger: true});
                });
            });
        }

        fetch() {
            return {};
        }
    };
});
