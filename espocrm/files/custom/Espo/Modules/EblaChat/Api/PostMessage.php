<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Core\Exceptions\BadRequest;
use Espo\Modules\EblaChat\Classes\Input;

/** POST EblaChat/dialogs/:id/messages {text, attachmentsIds?, voice?}: the message row. */
class PostMessage extends Base
{
    protected function handle(Request $request): mixed
    {
        $body = Input::body($request);
        $text = Input::optionalString($body, 'text') ?? '';
        $attachmentIds = Input::stringList($body, 'attachmentsIds', false);
        $options = ['acl' => $this->engine->aclOption()];

        if (Input::optionalBool($body, 'voice')) {
            $options['voice'] = true;
        }

        if ($text === '' && $attachmentIds === []) {
            throw new BadRequest('A message needs a text or an attachment.');
        }

        return ebla_chat_post(
            $this->engine->pdo(),
            $this->engine->actorId(),
            Input::routeId($request),
            $text,
            $attachmentIds,
            $options,
        );
    }
}
