import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CurrentUser, Public, type AuthenticatedUser } from '@bankshop/auth';
import { LoginDto, RegisterDto, type AccessTokenView, type UserView } from './dto/auth.dto.ts';
import { UsersService } from './users.service.ts';

/** API.md "Auth": register, log in, and who am I. */
@Controller('api/auth')
export class AuthController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post('register')
  register(@Body() body: RegisterDto): Promise<UserView> {
    return this.users.register(body);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginDto): Promise<AccessTokenView> {
    return this.users.login(body);
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserView> {
    return this.users.me(user);
  }
}
