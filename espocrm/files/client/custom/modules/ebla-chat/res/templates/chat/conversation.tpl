<div class="ebla-chat-conversation{{#if compact}} ebla-chat-compact{{/if}}" data-dialog-id="{{dialogId}}">
    <div class="ebla-chat-history" tabindex="0" role="log" aria-live="polite" aria-label="{{translate 'Messages' scope='EblaChat'}}">
        <div class="ebla-chat-older hidden">{{translate 'Loading older messages' scope='EblaChat'}}</div>
        <div class="ebla-chat-messages"></div>
        <div class="ebla-chat-empty hidden text-muted">{{translate 'No messages yet' scope='EblaChat'}}</div>
    </div>
    {{#if canWrite}}
    <div class="ebla-chat-composer">
        <div class="ebla-chat-editing hidden">
            <span class="fas fa-pencil-alt"></span>
            <span>{{translate 'Editing message' scope='EblaChat'}}</span>
            <a role="button" tabindex="0" class="ebla-chat-editing-cancel" data-action="cancelEdit" title="{{translate 'Cancel'}}">&times;</a>
        </div>
        <div class="ebla-chat-pending"></div>
        <div class="ebla-chat-recording hidden" role="status">
            <span class="ebla-chat-rec-dot"></span>
            <span class="ebla-chat-rec-time">0:00</span>
            <button type="button" class="btn btn-default btn-sm" data-action="cancelRecording">{{translate 'Cancel'}}</button>
            <button type="button" class="btn btn-primary btn-sm" data-action="stopRecording">{{translate 'Send voice' scope='EblaChat'}}</button>
        </div>
        <div class="ebla-chat-input-row">
            <button type="button" class="btn btn-text ebla-chat-attach" data-action="attach" title="{{translate 'Attach files' scope='EblaChat'}}" aria-label="{{translate 'Attach files' scope='EblaChat'}}"><span class="fas fa-paperclip"></span></button>
            <input type="file" class="hidden ebla-chat-file" multiple>
            <div class="ebla-chat-input-wrap">
                <textarea class="form-control ebla-chat-input" rows="1" placeholder="{{translate 'Write a message' scope='EblaChat'}}" title="{{translate 'composerHint' scope='EblaChat'}}" aria-label="{{translate 'Write a message' scope='EblaChat'}}"></textarea>
                <ul class="dropdown-menu ebla-chat-mentions" role="listbox"></ul>
            </div>
            {{#if voiceSupported}}
            <button type="button" class="btn btn-text ebla-chat-mic" data-action="record" title="{{translate 'Record a voice message' scope='EblaChat'}}" aria-label="{{translate 'Record a voice message' scope='EblaChat'}}"><span class="fas fa-microphone"></span></button>
            {{/if}}
            <button type="button" class="btn btn-primary ebla-chat-send" data-action="send" title="{{translate 'Send' scope='EblaChat'}}" aria-label="{{translate 'Send' scope='EblaChat'}}"><span class="fas fa-paper-plane"></span></button>
        </div>
    </div>
    {{/if}}
</div>
