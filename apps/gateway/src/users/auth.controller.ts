import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, type AuthenticatedUser } from '@bankshop/auth';
import { ApiAuth, ApiProblems } from '@bankshop/platform';
import { AccessTokenView, LoginDto, RegisterDto, UserView } from './dto/auth.dto.ts';
import { UsersService } from './users.service.ts';

/** API.md "Auth": register, log in, and who am I. */
@ApiTags('Auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post('register')
  @ApiOperation({ summary: 'Register', description: 'Creates a customer. Limited per client IP.' })
  @ApiCreatedResponse({ type: UserView })
  @ApiProblems('VALIDATION_FAILED', 'EMAIL_TAKEN')
  register(@Body() body: RegisterDto): Promise<UserView> {
    return this.users.register(body);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in', description: 'An unknown email and a wrong password get the same answer. Limited per client IP.' })
  @ApiOkResponse({ type: AccessTokenView })
  @ApiProblems('VALIDATION_FAILED', 'INVALID_CREDENTIALS')
  login(@Body() body: LoginDto): Promise<AccessTokenView> {
    return this.users.login(body);
  }

  @Get('me')
  @ApiAuth()
  @ApiOperation({ summary: 'Who am I', description: 'A valid token for a user this gateway does not know (any more) is a 404.' })
  @ApiOkResponse({ type: UserView })
  @ApiProblems('NOT_FOUND')
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserView> {
    return this.users.me(user);
  }
}
