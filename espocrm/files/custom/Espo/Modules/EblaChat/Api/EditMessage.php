<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Core\Exceptions\BadRequest;
use Espo\Modules\EblaChat\Classes\Input;

/** PUT EblaChat/messages/:id {text}: the message row. */
class EditMessage extends Base
{
    protected function handle(Request $request): mixed
    {
        $text = Input::optionalString(Input::body($request), 'text') ?? throw new BadRequest("No 'text'.");

        return ebla_chat_message_edit($this->engine->pdo(), $this->engine->actorId(), Input::routeId($request), $text);
    }
}
