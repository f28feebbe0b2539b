/*
 * Renames a group dialog (the Dialog record's name). Options: dialog. Triggers 'renamed' (name).
 */
define('ebla-chat:views/chat/modals/rename', ['views/modal'], function (Dep) {

    return class extends Dep {

        className = 'dialog dialog-record ebla-chat-modal'

        templateContent = `
            <div class="form-group">
                <label class="control-label" for="ebla-chat-rename">{{translate 'Group name' scope='EblaChat'}}</label>
                <input type="text" id="ebla-chat-rename" class="form-control" maxlength="255" value="{{name}}">
            </div>
        `

        data() {
            return {name: this.options.dialog.name || ''};
        }

        setup() {
            this.headerText = this.translate('Rename', 'labels', 'EblaChat');
            this.buttonList = [
                {name: 'save', label: 'Save', style: 'primary'},
                {name: 'cancel', label: 'Cancel'},
            ];
        }

        afterRender() {
            const $input = this.$el.find('#ebla-chat-rename');

            $input.on('keydown', e => {
                if (e.key === 'Enter') {
                    e.preventDefault();
                    this.actionSave();
                }
            });

            setTimeout(() => $input.focus().select(), 50);
        }

        actionSave() {
            const name = (this.$el.find('#ebla-chat-rename').val() || '').trim();

            if (!name) {
                return;
            }

            this.disableButton('save');

            Espo.Ajax.putRequest('EblaChat/dialogs/' + encodeURIComponent(this.options.dialog.id), {name: name})
                .then(() => {
                    this.trigger('renamed', name);
                    this.close();
                })
                .catch(() => this.enableButton('save'));
        }
    };
});
